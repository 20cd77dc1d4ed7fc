"""`linli-registry`: serve the registry's HTTP API and run its workers in one process."""
from linli_shared.serve import serve

from linli_registry.bootstrap import create_app
from linli_registry.settings import RegistrySettings


def main() -> None:
    serve(create_app, RegistrySettings())


if __name__ == "__main__":
    main()
