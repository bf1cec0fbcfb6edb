"""The Starlette application of ``xjur serve``: the form, the result page, ``explain`` for a cell, downloads,
and the Vega scripts (the ones the briefing inlines, served by the app itself: no CDN).

Routes (every comparison is addressed by its query string, see :mod:`comparisons.web.form`):

- ``GET /``: the form (an empty one, or the one a shared URL describes).
- ``GET /compare?…``: the result page; with bad input, the form again with each message beside its field.
- ``POST /upload``: an uploaded YAML/CSV/XLSX file of profiles; redirects to ``/compare?data=…``.
- ``GET /explain?…&profile=&jurisdiction=&obligation=``: one cell's formula, parameters and citations.
- ``GET /download/{briefing.html,workbook.xlsx,obligations.csv,summary.csv,result.json}?…``.
- ``GET /static/vega.js``: Vega, Vega-Lite and vega-embed (from vl-convert, offline).
"""
from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from jurisdictions.framework import XjurError, discover

from . import form as F

TEMPLATES = Path(__file__).with_name("templates")
#: Largest upload read (bytes); the input policy then applies its own limits to the file.
MAX_UPLOAD_BYTES = 64 * 2 ** 20
DOWNLOADS = {
    "briefing.html": "text/html; charset=utf-8",
    "workbook.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "obligations.csv": "text/csv; charset=utf-8",
    "summary.csv": "text/csv; charset=utf-8",
    "result.json": "application/json",
}


def markets() -> list[dict[str, str]]:
    """Every installed market, from the registry (new plug-ins appear without edits here)."""
    return [{"code": code, "name": str(j.name), "currency": str(j.currency)}
            for code, j in discover().jurisdictions.items()]


def _templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(TEMPLATES))
    t.env.autoescape = True
    t.env.globals.update(HELP=F.HELP, PROFILE_FIELDS=F.PROFILE_FIELDS, SERVICES=F.SERVICES,
                         SCENARIOS=F.SCENARIOS, unit_of=F.unit_of)
    from ..report.briefing import STATUS_LABEL

    t.env.filters["status_label"] = lambda s: STATUS_LABEL.get(s, s)
    return t


@functools.lru_cache(maxsize=1)
def vega_script() -> str:
    """The briefing's Vega bundle (same vl-convert build, same Vega-Lite version as the charts' specs)."""
    from ..report import charts as ch
    from ..report.briefing import vega_bundle

    return vega_bundle(ch.vl_version())


class Inputs:
    """One request's inputs: the values as typed, the profiles they describe, ``compare``'s arguments."""

    def __init__(self, query: Any, workdir: Path) -> None:
        self.values = F.values_of(query)
        self.workdir = workdir
        self.data = self.values["data"]
        self.errors = F.FormErrors()

    def load(self):
        """The profiles (a validated frame) and ``compare``'s kwargs; errors are placed by field."""
        from ..load import load_profiles

        target = "upload" if self.data else "fields"
        try:
            if self.data:
                p = self.workdir / "shared-profiles.yaml"
                p.write_text(F.decode_data(self.data), encoding="utf-8")
                profiles = load_profiles(str(p))
            else:
                profiles = load_profiles([F.profile_record(self.values)])
            return profiles, F.compare_kwargs(self.values, self.workdir)
        except XjurError as e:
            F.place_error(e, self.errors, self.workdir, target)
            return None, None

    def query(self) -> str:
        return urlencode(F.query_items(self.values, self.data))


def _compare(inputs: Inputs):
    from ..compare import compare

    profiles, kw = inputs.load()
    if profiles is None:
        return None
    try:
        return compare(profiles, **kw)
    except XjurError as e:
        F.place_error(e, inputs.errors, inputs.workdir, "upload" if inputs.data else "fields")
        return None


def create_app(debug: bool = False) -> Starlette:
    """The application. Stateless: each request reads its own inputs into its own temporary folder."""
    templates = _templates()

    def form_page(request: Request, inputs: Inputs | None, status: int = 200) -> HTMLResponse:
        values = inputs.values if inputs else F.values_of(request.query_params)
        return templates.TemplateResponse(request, "form.html.j2", {
            "values": values, "errors": inputs.errors.by_field if inputs else {}, "markets": markets(),
        }, status_code=status)

    async def index(request: Request) -> Response:
        return form_page(request, None)

    def compare_page(request: Request) -> Response:
        with tempfile.TemporaryDirectory(prefix="xjur-web-") as tmp:
            inputs = Inputs(request.query_params, Path(tmp))
            result = _compare(inputs)
            if result is None:
                return form_page(request, inputs, status=400)
            from ..report import charts as ch
            from ..report import briefing as br

            b = br.build_briefing(result)
            query = inputs.query()
            return templates.TemplateResponse(request, "result.html.j2", {
                "query": query, "currency": result.currency,
                "jurisdictions": [{"code": j.code, "name": j.name, "color": ch.color_of(j.code)}
                                  for j in result.jurisdictions],
                "summary": br.summary_points(b), "side_by_side": br.side_by_side_cells(result),
                "costs": br.cost_rows(b), "stress": br.stress_rows(b), "charts": br.chart_entries(b),
                "warnings": list(result.warnings), "omitted": list(b.omitted), "downloads": list(DOWNLOADS),
                "as_of": result.as_of.isoformat(),
            })

    async def upload(request: Request) -> Response:
        async with request.form(max_files=1, max_fields=200) as formdata:
            upload_file = formdata.get("file")
            with tempfile.TemporaryDirectory(prefix="xjur-web-") as tmp:
                inputs = Inputs(formdata, Path(tmp))
                inputs.data = ""
                if upload_file is None or not getattr(upload_file, "filename", ""):
                    inputs.errors.add("upload", "choose a YAML, CSV or XLSX file of profiles to upload")
                    return form_page(request, inputs, status=400)
                name = F.safe_filename(upload_file.filename, "profiles.yaml")
                path = Path(tmp) / name
                size = 0
                with path.open("wb") as fh:
                    while chunk := await upload_file.read(2 ** 20):
                        size += len(chunk)
                        if size > MAX_UPLOAD_BYTES:
                            inputs.errors.add("upload", f"{name}: larger than {MAX_UPLOAD_BYTES // 2 ** 20} MiB: "
                                                        "refused (run the CLI for large batches)")
                            return form_page(request, inputs, status=400)
                        fh.write(chunk)
                from starlette.concurrency import run_in_threadpool

                from ..load import load_profiles

                try:
                    frame = await run_in_threadpool(load_profiles, str(path))
                except XjurError as e:
                    F.place_error(e, inputs.errors, Path(tmp), "upload")
                    return form_page(request, inputs, status=400)
                data = F.encode_data(F.frame_yaml(frame))
        return RedirectResponse("/compare?" + urlencode(F.query_items(inputs.values, data)), status_code=303)

    def explain_page(request: Request) -> Response:
        from ..explain import explain

        q = request.query_params
        with tempfile.TemporaryDirectory(prefix="xjur-web-") as tmp:
            inputs = Inputs(q, Path(tmp))
            profiles, kw = inputs.load()
            if profiles is None:
                return HTMLResponse(_error_list(inputs.errors), status_code=400)
            kw.pop("jurisdictions", None)
            try:
                ex = explain(profiles, q.get("profile", ""), q.get("jurisdiction", ""), q.get("obligation", ""), **kw)
            except XjurError as e:
                return HTMLResponse(_error_list(F.FormErrors({"": [str(e)]})), status_code=400)
            return templates.TemplateResponse(request, "explain.html.j2", {"ex": ex})

    def download(request: Request) -> Response:
        what = request.path_params["what"]
        if what not in DOWNLOADS:
            return Response("no such download", status_code=404, media_type="text/plain")
        with tempfile.TemporaryDirectory(prefix="xjur-web-") as tmp:
            inputs = Inputs(request.query_params, Path(tmp))
            result = _compare(inputs)
            if result is None:
                return HTMLResponse(_error_list(inputs.errors), status_code=400)
            if what == "result.json":
                body: Any = result.to_json()
            elif what.endswith(".csv"):
                body = result.to_csv(table=what.removesuffix(".csv"))
            else:
                from ..report.briefing import build_briefing, render_html

                b = build_briefing(result)
                if what == "briefing.html":
                    body = render_html(b)
                else:
                    from ..report.workbook import write_workbook

                    out = Path(tmp) / what
                    write_workbook(b, out)
                    body = out.read_bytes()
        disposition = "inline" if what == "briefing.html" else "attachment"
        return Response(body, media_type=DOWNLOADS[what],
                        headers={"Content-Disposition": f'{disposition}; filename="xjur-{what}"'})

    async def vega(request: Request) -> Response:
        return Response(vega_script(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=86400"})

    routes = [
        Route("/", index),
        Route("/compare", compare_page),  # plain functions: Starlette runs them in its thread pool
        Route("/upload", upload, methods=["POST"]),
        Route("/explain", explain_page),
        Route("/download/{what}", download),
        Route("/static/vega.js", vega),
    ]
    return Starlette(debug=debug, routes=routes)


def _error_list(errors: F.FormErrors) -> str:
    items = "".join(f"<li>{Markup.escape(m)}</li>" for ms in errors.by_field.values() for m in ms)
    return f'<ul class="errors">{items}</ul>'
