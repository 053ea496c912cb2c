"""`make run`: one gevent process serving HTTP and Socket.IO on BARAZA_HOST:BARAZA_PORT.

The caller patches the standard library with gevent first (`make run` does), since importing
this module imports the app package."""
from app import create_app
from app.core import gc_tuning
from app.extensions import socketio


def main() -> None:
    app = create_app()
    gc_tuning.tune()
    host, port = app.config["HOST"], app.config["PORT"]
    print(f"Baraza is serving on http://{host}:{port}/  (Ctrl+C stops it)", flush=True)
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=True)


if __name__ == "__main__":
    from gevent import monkey
    if not monkey.is_module_patched("socket"):
        raise SystemExit("Run through `make run` (gevent must patch the standard library first).")
    main()
