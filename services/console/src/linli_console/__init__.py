"""The console: server-rendered pages over the other services' public APIs, called with the user's own token."""
