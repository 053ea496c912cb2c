"""flask --app wsgi close-due-motions: freeze and announce motions whose closing time passed."""
import click


def init_app(app) -> None:
    @app.cli.command("close-due-motions")
    def close_due_motions_command() -> None:
        """Close every open motion past its closes_at (they already count as closed when read)."""
        from app.extensions import db
        from app.votes.services import close_due_motions
        n = close_due_motions()
        db.session.commit()
        click.echo(f"Closed {n} due motion(s).")
