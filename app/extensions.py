"""Flask extensions, created unbound and initialised in create_app()."""
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.core.db import Base

# Objects stay readable after commit without a reload (and without opening a new transaction).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
login_manager = LoginManager()
socketio = SocketIO()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Pages, JSON, CSS and scripts go out compressed (zstd, brotli or gzip, as the browser accepts):
# a room page is about a fifth of its size on a slow mobile connection.
compress = Compress()
