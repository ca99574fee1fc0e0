"""The open data at stable addresses: every file of the published export, and its DCAT-AP.de
catalogue, served by the app's own web server at `/open-data/<file>` with its content type.

Open-data portals harvest the catalogue (`/open-data/metadata.json`, whose downloadURLs are
settings.public_base_url and the file's name) and fetch each file from there. Only the files
that the export's catalogue lists are served, read through the export's reader (every file
checked against its checksum), so a request never sees half of an export being swapped in.
"""

from __future__ import annotations

from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from zakid_metrics.dashboard import public_data
from zakid_metrics.open_data.spec import METADATA_FILE, media_type, sha256_hex

OPEN_DATA_PATH: Final = "open-data"
# Anyone may fetch open data, also from a portal's or a newspaper's page (CORS); a harvester
# asks again each time (no-cache) and the checksum as ETag spares it an unchanged file.
HEADERS: Final = {"access-control-allow-origin": "*", "cache-control": "no-cache"}


def routes(base: str) -> list[Route]:
    """The routes for st.App below the app's base path `base` (`/` or `/<baseUrlPath>/`):
    the files, and the folder itself leading to the catalogue."""
    path = f"{base}{OPEN_DATA_PATH}/"
    return [
        Route(path, _folder, methods=["GET"]),
        Route(path + "{name}", _file, methods=["GET"]),
    ]


def _catalogue(request: Request) -> str:
    """The catalogue's path, next to the file or in the folder asked for."""
    return request.url.path.rsplit("/", 1)[0] + "/" + METADATA_FILE


async def _folder(request: Request) -> Response:
    return RedirectResponse(_catalogue(request), status_code=307, headers=HEADERS)


async def _file(request: Request) -> Response:
    name = request.path_params["name"]
    export = await run_in_threadpool(public_data.export)
    data = None if export is None else export.files.get(name)
    if data is None:
        return PlainTextResponse(
            f"No open-data file {name}. The catalogue: {_catalogue(request)}",
            status_code=404,
            headers=HEADERS,
        )
    etag = f'"{sha256_hex(data)}"'
    headers = {**HEADERS, "etag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media_type(name), headers=headers)
