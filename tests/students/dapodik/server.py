"""A real HTTP server that answers like the Dapodik web service (made-up data): the tests,
the browser journey and benchmarks/first_day.py start it on a free port in a thread.

`rows` and the field names are Dapodik's; `start` / `limit` page the rows. Modes make it
misbehave: `slow` (answers after `delay` seconds), `half` (the body stops half-way),
`short` (a valid answer with fewer rows than its `results`)."""

from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

NPSN = "30109999"
TOKEN = "kunci-dapodik-uji"

ROMBEL = [
    {
        "rombongan_belajar_id": "rb-x-tkj-1",
        "nama": "X TKJ 1",
        "tingkat_pendidikan_id": "10",
        "jurusan_id": "TKJ",
        "nama_jurusan": "Teknik Komputer dan Jaringan",
        "jenis_rombel": "1",
    },
    {
        "rombongan_belajar_id": "rb-x-tkj-2",
        "nama": "X TKJ 2",
        "tingkat_pendidikan_id": "10",
        "jurusan_id": "TKJ",
        "nama_jurusan": "Teknik Komputer dan Jaringan",
        "jenis_rombel": "1",
    },
    {
        "rombongan_belajar_id": "rb-x-akl-1",
        "nama": "X AKL 1",
        "tingkat_pendidikan_id": "10",
        "jurusan_id": "AKL",
        "nama_jurusan": "Akuntansi dan Keuangan Lembaga",
        "jenis_rombel": "1",
    },
]
NAMES = [
    ("Adi Saputra", "L"), ("Bunga Lestari", "P"), ("Cahya Pratama", "L"), ("Dewi Anggraini", "P"),
    ("Eko Nugroho", "L"), ("Fitri Handayani", "P"), ("Gilang Ramadhan", "L"), ("Hana Safitri", "P"),
    ("Indra Wijaya", "L"), ("Joko Susilo", "L"), ("Kartika Sari", "P"), ("Lukman Hakim", "L"),
]  # fmt: skip


def student_rows(n: int = 12) -> list[dict]:
    rows = []
    for i in range(n):
        name, gender = NAMES[i % len(NAMES)]
        rombel = ROMBEL[i % len(ROMBEL)]
        rows.append(
            {
                "peserta_didik_id": f"pd-{i:04d}",
                "registrasi_id": f"reg-{i:04d}",
                "nama": name if i < len(NAMES) else f"{name} {i}",
                "nisn": f"00{81000000 + i:08d}",
                "nipd": f"{2400 + i}",
                "jenis_kelamin": gender,
                "tanggal_lahir": f"2009-0{1 + i % 9}-1{i % 10}",
                "tempat_lahir": "Jakarta",
                "nik": f"31730{i:011d}",
                "nama_ayah": f"Ayah {name}",
                "nama_ibu": f"Ibu {name}",
                "pekerjaan_ayah_id_str": "Buruh",
                "pekerjaan_ibu_id_str": "Tidak bekerja",
                "jenjang_pendidikan_ayah_id_str": "SMA / sederajat",
                "jenjang_pendidikan_ibu_id_str": "SMP / sederajat",
                "penghasilan_ayah_id_str": "Rp. 1,000,000 - Rp. 1,999,999",
                "penghasilan_ibu_id_str": "Tidak Berpenghasilan",
                "rombongan_belajar_id": rombel["rombongan_belajar_id"],
                "nama_rombel": rombel["nama"],
                "tingkat_pendidikan_id": rombel["tingkat_pendidikan_id"],
                "semester_id": "20251",
            }
        )
    return rows


class FakeDapodik:
    """Start with `with FakeDapodik() as dapodik:`; `dapodik.url` is its address. Change
    `students`, `mode`, `delay` between requests; `requests` lists the paths it was asked."""

    def __init__(self, *, npsn: str = NPSN, token: str = TOKEN, n_students: int = 12):
        self.npsn, self.token = npsn, token
        self.rombel = copy.deepcopy(ROMBEL)
        self.students = student_rows(n_students)
        self.mode, self.delay = "ok", 0.0
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeDapodik:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def move(self, nisn: str, rombel_id: str) -> None:
        rombel = next(r for r in self.rombel if r["rombongan_belajar_id"] == rombel_id)
        row = next(r for r in self.students if r["nisn"] == nisn)
        row |= {"rombongan_belajar_id": rombel_id, "nama_rombel": rombel["nama"]}

    def leave(self, nisn: str) -> dict:
        row = next(r for r in self.students if r["nisn"] == nisn)
        self.students.remove(row)
        return row

    def _answer(self, function: str, query: dict) -> tuple[int, dict]:
        if query.get("npsn") != self.npsn:
            return 400, {"success": False, "message": "NPSN tidak sesuai"}
        if function == "getSekolah":
            school = {"sekolah_id": "sk-1", "npsn": self.npsn, "nama": "SMK Uji Dapodik"}
            return 200, {"results": 1, "id": self.npsn, "start": 0, "limit": 1, "rows": school}
        rows = {"getRombonganBelajar": self.rombel, "getPesertaDidik": self.students}.get(function)
        if rows is None:
            return 404, {"success": False, "message": "fungsi tidak dikenal"}
        start = int(query.get("start", 0))
        limit = int(query.get("limit", len(rows) or 1))
        page = rows[start : start + limit]
        if self.mode == "short" and function == "getPesertaDidik":
            page = page[: len(page) // 2]
        return 200, {"results": len(rows), "id": self.npsn, "start": start, "limit": limit,
                     "rows": page}  # fmt: skip

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                fake.requests.append(parts.path)
                if fake.delay:
                    time.sleep(fake.delay)
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, b'{"success": false, "message": "Unauthorized"}')
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                status, body = fake._answer(parts.path.rsplit("/", 1)[-1], query)
                data = json.dumps(body).encode()
                if fake.mode == "half" and "PesertaDidik" in parts.path:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                return self._send(status, data)

            def _send(self, status: int, data: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet
                pass

        return Handler
