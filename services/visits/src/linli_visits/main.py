"""`linli-visits`: serve the visits API and run its consumers and task sweep in one process."""
from linli_shared.serve import serve

from linli_visits.bootstrap import create_app
from linli_visits.settings import VisitsSettings


def main() -> None:
    serve(create_app, VisitsSettings())


if __name__ == "__main__":
    main()
