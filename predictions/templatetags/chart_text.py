"""{% figure_text "fig-id" %} (a figure of the page's `figures`) or {% figure_text fig=... %}:
the chart's one-sentence summary and its numbers in a table behind a disclosure (left out with
own_table=True where the page shows the numbers in a table of its own)."""

from django import template

from predictions.chart_text import describe

register = template.Library()


@register.inclusion_tag("predictions/_figure_text.html", takes_context=True)
def figure_text(
    context, fig_id: str | None = None, fig: dict | None = None, own_table: bool = False
) -> dict:
    """own_table: the page already shows the chart's numbers in a table of its own."""
    if fig is None:
        fig = (context.get("figures") or {}).get(fig_id)
    return {"text": describe(fig) if fig else None, "own_table": own_table}
