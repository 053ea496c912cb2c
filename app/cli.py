"""Command-line commands: seed-demo, and a serve helper for development."""

import click
from flask import Flask


def init_app(app: Flask) -> None:
    _register_checks(app)

    @app.cli.command("seed-demo")
    @click.option("--password", default=None, help="Give every demo account this password.")
    def seed_demo_command(password: str | None) -> None:
        """Load the demo data (idempotent); print the demo logins."""
        from app.demo import seed_demo
        from app.extensions import db
        if password is not None and len(password) < 10:
            raise click.BadParameter("use at least 10 characters", param_hint="--password")
        logins = seed_demo(password)
        db.session.commit()
        print_logins(logins)

    @app.cli.command("seed-if-empty")
    def seed_if_empty_command() -> None:
        """Load the demo data only when there are no users yet (make run)."""
        from sqlalchemy import func, select
        from app.accounts.models import User
        from app.demo import seed_demo
        from app.extensions import db
        if db.session.scalar(select(func.count(User.id))):
            click.echo("Database has users already; demo data not loaded. "
                       "Reset demo passwords with: flask --app wsgi seed-demo --password PW")
            return
        logins = seed_demo(None)
        db.session.commit()
        print_logins(logins)


def print_logins(logins: list[tuple[str, str, str | None]]) -> None:
    click.echo("Demo logins:")
    for email, role, password in logins:
        click.echo(f"  {email:34} {role:12} {password or '(password unchanged)'}")


def _register_checks(app: Flask) -> None:
    @app.cli.command("check-migrations")
    def check_migrations_command() -> None:
        """Exit 1 when the migrated schema differs from the models (an autogenerate comparison)."""
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext
        from flask_migrate import upgrade

        from app.extensions import db
        upgrade()
        with db.engine.connect() as conn:
            from app.core.db import is_fulltext_artifact
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, reflected, compare_to: not is_fulltext_artifact(obj, name, type_),
            })
            diff = compare_metadata(ctx, db.metadata)
        if diff:
            for d in diff:
                click.echo(f"  {d}")
            raise SystemExit("The migrations do not produce the models' schema (see above).")
        click.echo("Migrations match the models.")
