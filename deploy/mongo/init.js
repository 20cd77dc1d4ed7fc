// One-shot set-up of the replica set and its users, run by compose's mongo-init container:
//   mongosh --nodb --quiet /linli-mongo/init.js
// It shares mongo's network namespace, so it reaches mongod on 127.0.0.1: on first start no user
// exists and only a localhost client may initiate the set and create the root user (MongoDB's
// localhost exception). Every later run logs in as root and brings the roles and users to what
// users.json says, so a password changed in deploy/.env is applied by `up`. Passwords come from the
// environment variables users.json names; none is ever printed.
const fs = require('fs');
const path = require('path');

const SPEC = JSON.parse(fs.readFileSync(path.join(__dirname, 'users.json'), 'utf8'));
const URL = 'mongodb://127.0.0.1:27017/admin?directConnection=true&serverSelectionTimeoutMS=2000';
const ATTEMPTS = 60; // one a second: mongod opens its data files first

function password(account) {
  const value = process.env[account.passwordEnv];
  if (!value) throw new Error(`${account.passwordEnv} is not set: add it to deploy/.env`);
  return value;
}

function retry(what, action) {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = action();
      if (result) return result;
    } catch (e) {
      if (attempt >= ATTEMPTS) throw e;
    }
    if (attempt >= ATTEMPTS) throw new Error(`mongo-init: gave up waiting for ${what}`);
    sleep(1000);
  }
}

function loginAsRoot(admin) {
  try {
    admin.auth(SPEC.root.user, password(SPEC.root));
    return true;
  } catch (e) {
    if (e.code === 18) return false; // AuthenticationFailed: no root yet (or another password: see below)
    throw e;
  }
}

function initiateReplicaSet(admin) {
  try {
    admin.runCommand({ replSetInitiate: SPEC.replicaSet });
    print('mongo-init: replica set initiated');
  } catch (e) {
    if (e.codeName !== 'AlreadyInitialized') throw e;
  }
}

function createRootThroughLocalhost(admin) {
  try {
    admin.createUser({ user: SPEC.root.user, pwd: password(SPEC.root), roles: [{ role: 'root', db: 'admin' }] });
  } catch (e) {
    if (e.codeName === 'Unauthorized') {
      throw new Error(`users exist but ${SPEC.root.passwordEnv} does not log in as ${SPEC.root.user}: `
                      + 'set the password the root user was created with');
    }
    throw e;
  }
  admin.auth(SPEC.root.user, password(SPEC.root));
  print('mongo-init: root user created');
}

function applyRole(role) {
  const db = admin.getSiblingDB(role.db);
  if (db.getRole(role.role)) db.updateRole(role.role, { privileges: role.privileges, roles: role.roles });
  else db.createRole({ role: role.role, privileges: role.privileges, roles: role.roles });
}

function applyUser(account) {
  const db = admin.getSiblingDB(account.db);
  if (db.getUser(account.user)) db.updateUser(account.user, { pwd: password(account), roles: account.roles });
  else db.createUser({ user: account.user, pwd: password(account), roles: account.roles });
  print(`mongo-init: user ${account.user} on ${account.db}`);
}

const admin = retry('mongod to accept connections', () => connect(URL));
const isRootAlready = loginAsRoot(admin);
initiateReplicaSet(admin);
retry('this member to become primary', () => admin.hello().isWritablePrimary);
if (!isRootAlready) createRootThroughLocalhost(admin);
SPEC.roles.forEach(applyRole);
SPEC.users.forEach(applyUser);
print('mongo-init: done');
