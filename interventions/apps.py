from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Intervensi BK"

    def ready(self) -> None:
        # Conduct points come in through the students app's import flow (kind "points"):
        # register how those rows are checked and written, without students importing us.
        from students.importing.plan import ROW_WRITERS, RowWriter

        from .conduct.imports import points_rows_resolve, points_rows_write

        ROW_WRITERS["points"] = RowWriter(resolve=points_rows_resolve, write=points_rows_write)

        # Conduct points per term are a feature the prediction models may use: give the
        # predictions layer a way to read them, again without it importing us.
        from predictions.feature_sources import TERM_FEATURE_SOURCES

        from .conduct.selectors import conduct_points_frame

        TERM_FEATURE_SOURCES["conduct"] = conduct_points_frame
