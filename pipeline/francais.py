"""francais: the command line's own words (typer and the click it embeds) in French.

typer builds its help panels from constants and embeds a click whose words are written in English
with no translation hook. Users of this tool read French only: `install()` sets the panel titles,
the usage prefix and the help option's text; `usage_error` words click's usage errors in French
from what each error holds (the parameter, the option), not from its English text.
"""

from __future__ import annotations

import re

PANELS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Interrompu.",
    "DEFAULT_STRING": "[défaut : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "DEPRECATED_STRING": "(obsolète) ",
    "RICH_HELP": "Aide : [blue]« {command_path} {help_option} »[/].",
}
USAGE = "Utilisation : "
HELP = "Afficher cette aide et quitter."
_NO_COMMAND = re.compile(r"No such command '([^']*)'")
_EXTRA = re.compile(r"unexpected extra arguments? \((.*)\)")


def install() -> None:
    """Make typer's help and usage lines French (idempotent)."""
    from typer import core
    from typer._click import decorators, formatting

    if getattr(formatting.HelpFormatter.write_usage, "francais", False):
        return
    write_usage = formatting.HelpFormatter.write_usage

    def french_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, USAGE if prefix is None else prefix)

    french_usage.francais = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = french_usage
    help_option = decorators.help_option

    def french_help_option(names):
        def apply(command):
            help_option(names)(command)
            command.params[-1].help = HELP
            return command
        return apply

    decorators.help_option = french_help_option
    for command in (core.TyperCommand, core.TyperGroup):
        command.format_help = _with_french_panels(command.format_help)


def _with_french_panels(format_help):
    """Help formatting with French panel titles, set when help is first shown: typer's panels
    module loads rich's markdown and tracebacks, 50 ms that a run never needs."""
    def french_help(self, ctx, formatter):
        import typer.rich_utils as panels

        for name, text in PANELS.items():
            setattr(panels, name, text)
        return format_help(self, ctx, formatter)
    return french_help


def usage_error(error) -> str:
    """A click usage error as one French line, with where to find help."""
    from typer._click import exceptions

    param = getattr(error, "param", None)
    name = _param_name(param) if param is not None else (getattr(error, "param_hint", None) or "")
    if isinstance(error, exceptions.MissingParameter):
        argument = getattr(param, "param_type_name", "") == "argument"
        text = f"{'argument manquant' if argument else 'option manquante'} : {name}"
    elif isinstance(error, exceptions.BadParameter):
        text = f"valeur invalide pour {name}" if name else "valeur invalide"
    elif isinstance(error, exceptions.NoSuchOption):
        text = f"option inconnue : {error.option_name}"
    elif found := _NO_COMMAND.search(error.message):
        text = f"commande inconnue : {found.group(1)}"
    elif found := _EXTRA.search(error.message):
        text = f"argument(s) en trop : {found.group(1)}"
    else:
        text = "commande mal formée"
    ctx = getattr(error, "ctx", None)
    return f"Erreur : {text} (aide : {ctx.command_path if ctx else 'synergies'} --help)"


def _param_name(param) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        return (param.name or "").upper()
    return "/".join(param.opts) if getattr(param, "opts", None) else str(param.name)
