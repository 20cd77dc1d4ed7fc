pytest_plugins = ["linli_devtools.pytest_plugin"]
