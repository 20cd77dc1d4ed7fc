"""`linli-notify`: serve the notify API and run its consumers, delivery worker and digest timer in one process."""
from linli_shared.serve import serve

from linli_notify.bootstrap import create_app
from linli_notify.settings import NotifySettings


def main() -> None:
    serve(create_app, NotifySettings())


if __name__ == "__main__":
    main()
