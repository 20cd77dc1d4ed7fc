"""`linli-console`: serve the console's pages."""
from linli_shared.serve import serve

from linli_console.bootstrap import create_app
from linli_console.settings import ConsoleSettings


def main() -> None:
    serve(create_app, ConsoleSettings())


if __name__ == "__main__":
    main()
