"""A small client for the Dapodik web service (Pengaturan → Web Service in Dapodik).

Why our own and not a registry package: `dapodik-webservice` 3.1.0 is GPLv3, pins
`attrs<21`, calls `requests.get` with no timeout (a Dapodik PC switched off hangs the
worker) and fails on any field Dapodik adds or drops; `dapodik-sdk` 1.0.0 is one release by
one maintainer and does not notice a cut-off answer. Three GET requests on the standard
library are less to trust. The client returns rows as Dapodik names them and raises
`DapodikError` with an Indonesian message for everything that goes wrong."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 20.0  # settings.DAPODIK_TIMEOUT_SECONDS overrides it
PAGE_SIZE = 2000  # Dapodik answers every row when no limit is asked; ask pages all the same


class DapodikError(Exception):
    """The service refused, could not be reached or answered something unusable."""


@dataclass(frozen=True)
class DapodikData:
    """What one pull brings: the school row, its rombel and its peserta didik."""

    school: dict
    rombel: list[dict]
    students: list[dict]


class DapodikClient:
    def __init__(self, *, url: str, npsn: str, token: str, timeout: float | None = None):
        timeout = timeout or getattr(settings, "DAPODIK_TIMEOUT_SECONDS", TIMEOUT_SECONDS)
        self.base = url.strip().rstrip("/")
        if self.base.lower().endswith("/webservice"):
            self.base = self.base[: -len("/webservice")]
        self.npsn, self.token, self.timeout = npsn.strip(), token.strip(), timeout
        if urllib.parse.urlsplit(self.base).scheme not in ("http", "https"):
            raise DapodikError(_("Alamat web service Dapodik harus diawali http:// atau https://."))

    def pull(self) -> DapodikData:
        school_rows = self._rows("getSekolah")
        return DapodikData(
            school=school_rows[0] if school_rows else {},
            rombel=self._rows("getRombonganBelajar"),
            students=self._rows("getPesertaDidik"),
        )

    def _rows(self, function: str) -> list[dict]:
        """Every row of one function, page by page; refuses an answer with fewer rows than
        its own `results` says (a cut-off answer must never look like students who left)."""
        rows: list[dict] = []
        while True:
            answer = self._get(function, start=len(rows))
            page = answer.get("rows")
            if isinstance(page, dict):  # getSekolah answers one row as an object
                page = [page]
            if not isinstance(page, list) or not all(isinstance(r, dict) for r in page):
                raise DapodikError(
                    _("Jawaban Dapodik (%(f)s) tidak berisi daftar baris.") % {"f": function}
                )
            rows.extend(page)
            total = answer.get("results")
            if not isinstance(total, int) or total < 0:
                raise DapodikError(
                    _("Jawaban Dapodik (%(f)s) tidak menyebut jumlah baris.") % {"f": function}
                )
            if len(rows) >= total:
                return rows
            if not page:
                raise DapodikError(
                    _(
                        "Jawaban Dapodik (%(f)s) tidak lengkap: %(got)s dari %(n)s baris. "
                        "Tidak ada data yang disimpan; coba lagi."
                    )
                    % {"f": function, "got": len(rows), "n": total}
                )

    def _get(self, function: str, *, start: int) -> dict:
        query = urllib.parse.urlencode({"npsn": self.npsn, "start": start, "limit": PAGE_SIZE})
        request = urllib.request.Request(  # noqa: S310 (http/https only: checked in __init__)
            f"{self.base}/WebService/{function}?{query}",
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            # bandit B310: the address is http(s) only, checked in __init__.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                body = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise DapodikError(
                    _(
                        "Dapodik menolak kunci web service (HTTP %(code)s). Periksa NPSN dan "
                        "kunci di Dapodik → Pengaturan → Web Service."
                    )
                    % {"code": exc.code}
                ) from exc
            raise DapodikError(
                _("Dapodik menjawab dengan galat HTTP %(code)s.") % {"code": exc.code}
            ) from exc
        except TimeoutError as exc:
            raise DapodikError(self._unreachable(_("tidak menjawab dalam batas waktu"))) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise DapodikError(
                    self._unreachable(_("tidak menjawab dalam batas waktu"))
                ) from exc
            raise DapodikError(self._unreachable(str(exc.reason))) from exc
        except http.client.IncompleteRead as exc:
            raise DapodikError(
                _(
                    "Jawaban Dapodik (%(f)s) terputus di tengah jalan. Tidak ada data yang "
                    "disimpan; coba lagi."
                )
                % {"f": function}
            ) from exc
        except (OSError, ValueError, http.client.HTTPException) as exc:  # reset, bad address
            raise DapodikError(self._unreachable(str(exc))) from exc
        try:
            answer = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DapodikError(
                _(
                    "Jawaban Dapodik (%(f)s) terpotong atau bukan JSON. Tidak ada data yang "
                    "disimpan; coba lagi."
                )
                % {"f": function}
            ) from exc
        if not isinstance(answer, dict):
            raise DapodikError(
                _("Jawaban Dapodik (%(f)s) tidak berbentuk yang dikenal.") % {"f": function}
            )
        return answer

    def _unreachable(self, why: str) -> str:
        return _(
            "Web service Dapodik di %(url)s tidak dapat dihubungi (%(why)s). Pastikan komputer "
            "Dapodik menyala dan alamatnya benar."
        ) % {"url": self.base, "why": why}
