"""`make run`: one gevent process serving HTTP and Socket.IO on BARAZA_HOST:BARAZA_PORT."""
from gevent import monkey

monkey.patch_all()

from app import create_app  # noqa: E402
from app.extensions import socketio  # noqa: E402


def main() -> None:
    app = create_app()
    host, port = app.config["HOST"], app.config["PORT"]
    print(f"Baraza is serving on http://{host}:{port}/  (Ctrl+C stops it)", flush=True)
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=True)


if __name__ == "__main__":
    main()
