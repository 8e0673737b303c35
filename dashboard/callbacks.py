"""What happens when the investigator acts: each callback is a plain function of the workbench and the
values Dash passes, so tests call it directly; :func:`register` wires them to the page.

A refused or failed call (no session, a role that may not, Neo4j down, a workflow step not allowed)
never breaks the page: its message is shown in the banner and nothing else changes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from api.schemas import AlertStatus, EntityRef, RelationshipRef
from bigfinder.errors import BigfinderError
from dashboard import graphview, views
from dashboard.graphview import Canvas
from dashboard.services import ALERT_WORKER, CASE_WORKER, Workbench

__all__ = [
    "DEFAULT_CAP",
    "MAX_CAP",
    "change_alert",
    "expand",
    "export_case",
    "find_paths",
    "load_rings",
    "log_in",
    "open_entity",
    "pin_edge",
    "pin_entity",
    "register",
    "render",
    "save_case",
    "search",
    "select_edge",
    "show_ring",
    "show_selection",
    "show_session",
]

#: Neighbours drawn per expanded node at first; "and N more" asks for MAX_CAP.
DEFAULT_CAP = 25
MAX_CAP = 200
_TIMELINE_CAP = 60
_HIDDEN = {"display": "none"}
_SHOWN: dict[str, str] = {}

_HOVER_JS = """
function(node, edge) {
    const fired = (window.dash_clientside.callback_context.triggered || [])[0];
    const data = fired && fired.prop_id.endsWith("mouseoverEdgeData") ? edge : node;
    return data && data.hover ? data.hover : "";
}
"""

Notice = tuple[str, bool]
QUIET: Notice = ("", False)
T = TypeVar("T")


def _fail(exc: BigfinderError) -> Notice:
    return (str(exc), True)


def _ref(node_id: str) -> EntityRef:
    label, _, key = node_id.partition(":")
    return EntityRef(label=label, key=key)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _canvas(data: Canvas | None) -> Canvas:
    return data if data else graphview.empty_canvas()


def _with_scores(bench: Workbench, token: str | None, canvas: Canvas) -> Canvas:
    refs = graphview.canvas_refs(canvas, unscored_only=True)
    if not refs:
        return canvas
    batch = bench.scores(token, [EntityRef(**r) for r in refs])
    return graphview.set_scores(canvas, batch, [f"{r['label']}:{r['key']}" for r in refs])


# -- session ------------------------------------------------------------------------------------------


def log_in(bench: Workbench, key: str | None, purpose: str | None) -> tuple[Any, str]:
    """A session token for the key and purpose, or why not."""
    try:
        session = bench.log_in(key or "", purpose or "")
    except BigfinderError as exc:
        return no_update, str(exc)
    return session.token, ""


def show_session(
    bench: Workbench, token: str | None
) -> tuple[dict[str, str], dict[str, str], str, bool, bool]:
    """The login card or the application; who is logged in, why, and which controls their role may use."""
    try:
        session = bench.session(token)
    except BigfinderError:
        return _SHOWN, _HIDDEN, "", True, True
    role = session.principal.role
    line = f"{session.principal.owner} ({role.value}) · purpose: {session.purpose}"
    return _HIDDEN, _SHOWN, line, role not in ALERT_WORKER, role not in CASE_WORKER


# -- workspace ----------------------------------------------------------------------------------------


def search(bench: Workbench, token: str | None, text: str | None, by: str) -> tuple[Any, str, bool]:
    """Search hits as buttons."""
    if not (text or "").strip():
        return no_update, "type a name or an identifier", True
    try:
        page = bench.search(token, text or "", by)
    except BigfinderError as exc:
        return no_update, *_fail(exc)
    return views.search_hits([h.model_dump() for h in page.items]), *QUIET


def _expand(
    bench: Workbench,
    token: str | None,
    canvas: Canvas,
    node_id: str,
    cap: int,
    types: list[str] | None,
    since: str | None,
    until: str | None,
) -> Canvas:
    network = bench.network(
        token,
        _ref(node_id),
        types=types or None,
        since=_day(since),
        until=_day(until),
        per_node_limit=cap,
        max_nodes=graphview.MAX_CANVAS_NODES,
    )
    return _with_scores(bench, token, graphview.add_network(canvas, network, cap))


def open_entity(
    bench: Workbench,
    token: str | None,
    node_id: str,
    types: list[str] | None,
    since: str | None,
    until: str | None,
) -> tuple[Any, Any, str, bool]:
    """A fresh canvas with the entity and its neighbours; the entity selected."""
    try:
        canvas = _expand(bench, token, graphview.empty_canvas(), node_id, DEFAULT_CAP, types, since, until)
    except BigfinderError as exc:
        return no_update, no_update, *_fail(exc)
    return canvas, node_id, *QUIET


def expand(
    bench: Workbench,
    token: str | None,
    canvas_data: Canvas | None,
    node_id: str | None,
    types: list[str] | None,
    since: str | None,
    until: str | None,
    *,
    again: bool = False,
) -> tuple[Any, Any, str, bool]:
    """A click on a node selects it and draws its neighbours (once, unless ``again``); a click on
    "and N more" draws up to :data:`MAX_CAP` neighbours of the node it hangs off."""
    canvas = _canvas(canvas_data)
    if not node_id:
        return no_update, no_update, "select a node first", True
    more_prefix = graphview.more_node_id("")
    if node_id.startswith(more_prefix):
        parent = node_id[len(more_prefix) :]
        cap = min(MAX_CAP, max(DEFAULT_CAP, int(canvas["nodes"][parent]["cap"] or DEFAULT_CAP)) * 4)
        node_id, selection = parent, parent
    else:
        node = canvas["nodes"].get(node_id)
        if node is not None and node["more"] is not None and not again:
            return no_update, node_id, *QUIET
        cap = int(node["cap"]) if node is not None and node["cap"] else DEFAULT_CAP
        selection = node_id
    if canvas["full"] and canvas["nodes"][node_id]["more"]:
        return (
            no_update,
            selection,
            f"the canvas holds {graphview.MAX_CANVAS_NODES} nodes; open a new one",
            True,
        )
    try:
        canvas = _expand(bench, token, canvas, node_id, cap, types, since, until)
    except BigfinderError as exc:
        return no_update, no_update, *_fail(exc)
    return canvas, selection, *QUIET


def render(
    canvas_data: Canvas | None,
    types: list[str] | None,
    since: str | None,
    until: str | None,
    colour_by: str,
    selection: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any], str, Any]:
    """The canvas's elements under the filters, its layout, a line counting what is drawn, and the legend.

    Positions come from the canvas (a preset layout). The layout names the drawing (which nodes are on
    the canvas), so cytoscape fits the view again whenever nodes arrive (a new ring, a path, an
    expansion), and only then: a new selection, colour or filter keeps the investigator's zoom.
    """
    canvas = _canvas(canvas_data)
    try:
        window = (_day(since), _day(until))
    except ValueError:
        window = (None, None)
    drawn = graphview.elements(
        canvas,
        types=types if types is not None else None,
        since=window[0],
        until=window[1],
        colour_by=colour_by,
        selection=selection,
    )
    nodes = len(canvas["nodes"])
    edges = sum(1 for e in drawn if "source" in e["data"] and not e["data"]["id"].startswith("more:"))
    shared = len(graphview.shared_identifiers(canvas))
    status = f"{nodes} nodes, {edges} relationships shown, {shared} shared identifiers"
    if canvas["full"]:
        status += f"; the canvas is full ({graphview.MAX_CANVAS_NODES} nodes)"
    layout = {
        "name": "preset",
        "fit": True,
        "padding": 40,
        "animate": False,
        "drawing": graphview.drawing_of(canvas),
    }
    return drawn, layout, status, views.legend(graphview.legend_entries(canvas), colour_by)


def show_selection(
    bench: Workbench, token: str | None, node_id: str | None, canvas_data: Canvas | None
) -> tuple[Any, Any, Any, str, bool]:
    """The side panel (entity detail) and the timeline of the selected entity; its rings are noted on
    the canvas for the ring colours."""
    if not node_id or node_id.startswith(graphview.more_node_id("")):
        return no_update, no_update, no_update, *QUIET
    canvas = _canvas(canvas_data)
    try:
        ref = _ref(node_id)
        entity = bench.entity(token, ref)
        # Every relationship type, one hop, capped: the side panel's counts by type ("and N more").
        around = bench.network(token, ref, per_node_limit=MAX_CAP, max_nodes=MAX_CAP + 1)
        network = bench.network(
            token,
            ref,
            hops=2,
            types=list(views.TIMELINE_TYPES),
            per_node_limit=_TIMELINE_CAP,
            max_nodes=graphview.MAX_CANVAS_NODES,
        )
    except BigfinderError as exc:
        return no_update, no_update, no_update, *_fail(exc)
    for ring in entity.rings:
        graphview.note_rings(canvas, ring.ring_id, ring.scheme, [node_id])
    panel = views.entity_panel(
        entity, graphview.neighbours_by_risk(canvas, node_id), views.relationship_counts(around)
    )
    capped = network.truncated or any(n.more for n in network.nodes)
    return panel, views.timeline_table(views.timeline_rows(network), capped), canvas, *QUIET


def select_edge(edge: dict[str, Any] | None) -> tuple[Any, str]:
    """Remember the clicked relationship (for pinning) and say which it is."""
    if not edge or str(edge.get("id", "")).startswith("more:"):
        return no_update, ""
    chosen = {"type": edge["type"], "source": edge["source"], "target": edge["target"]}
    return chosen, f"selected: {edge['source']} -{edge['type']}- {edge['target']}"


def find_paths(
    bench: Workbench, token: str | None, source: str | None, target: str | None, canvas_data: Canvas | None
) -> tuple[Any, Any, str, bool]:
    """The shortest paths between two entities, drawn on the canvas and listed."""
    if not source or not target or ":" not in source or ":" not in target:
        return (
            no_update,
            no_update,
            "name both ends as Label:key (select a node, press Path from / Path to)",
            True,
        )
    try:
        found = bench.paths(token, _ref(source.strip()), _ref(target.strip()))
        canvas = _with_scores(bench, token, graphview.add_paths(_canvas(canvas_data), found))
    except (BigfinderError, ValueError) as exc:
        return no_update, no_update, str(exc), True
    return canvas, views.paths_summary(found), *QUIET


# -- rings and alerts ---------------------------------------------------------------------------------


def load_rings(
    bench: Workbench, token: str | None, *, alerts: bool, status: str | None
) -> tuple[Any, str, bool]:
    """The ranked rings, or the alert queue (optionally of one status)."""
    try:
        page = bench.rings(token, alerts=alerts, status=AlertStatus(status) if status else None)
    except BigfinderError as exc:
        return no_update, *_fail(exc)
    return views.ring_rows(page.items), *QUIET


def show_ring(
    bench: Workbench, token: str | None, rows: list[dict[str, Any]] | None
) -> tuple[Any, Any, Any, str, bool]:
    """The chosen ring on a fresh canvas (members, evidence paths highlighted) and in the ring panel."""
    if not rows:
        return no_update, no_update, no_update, *QUIET
    try:
        ring = bench.ring(token, str(rows[0]["ring_id"]))
        canvas = _with_scores(bench, token, graphview.add_ring(graphview.empty_canvas(), ring))
    except BigfinderError as exc:
        return no_update, no_update, no_update, *_fail(exc)
    return canvas, views.ring_panel(ring), canvas["center"], *QUIET


def change_alert(
    bench: Workbench, token: str | None, rows: list[dict[str, Any]] | None, status: str, note: str | None
) -> tuple[Any, str, bool]:
    """Move the selected alert along its workflow."""
    if not rows:
        return no_update, "select an alert first", True
    try:
        ring = bench.change_alert_status(token, str(rows[0]["ring_id"]), AlertStatus(status), note or "")
    except BigfinderError as exc:
        return no_update, *_fail(exc)
    return f"{ring.ring_id} is now {ring.status}", *QUIET


# -- case builder -------------------------------------------------------------------------------------


def pin_entity(node_id: str | None, pins: dict[str, Any] | None) -> dict[str, Any]:
    """Add the selected entity to the case builder's pins."""
    pins = dict(pins or {"entities": [], "relationships": []})
    if node_id and not node_id.startswith(graphview.more_node_id("")):
        pins["entities"] = list(dict.fromkeys([*pins.get("entities", []), node_id]))
    return pins


def pin_edge(edge: dict[str, Any] | None, pins: dict[str, Any] | None) -> dict[str, Any]:
    """Add the selected relationship (with both its ends) to the pins."""
    pins = dict(pins or {"entities": [], "relationships": []})
    if edge:
        relationships = [r for r in pins.get("relationships", []) if r != edge]
        pins["relationships"] = [*relationships, edge]
    return pins


def save_case(
    bench: Workbench,
    token: str | None,
    pins: dict[str, Any] | None,
    case_id: str | None,
    title: str | None,
    description: str | None,
    note: str | None,
) -> tuple[Any, Any, str, bool]:
    """Open a case with the pins (or add them to ``case_id``), and add the note."""
    pins = pins or {}
    try:
        entities = [_ref(e) for e in pins.get("entities", [])]
        relationships = [
            RelationshipRef(type=r["type"], source=_ref(r["source"]), target=_ref(r["target"]))
            for r in pins.get("relationships", [])
        ]
        if case_id:
            case = bench.add_to_case(token, case_id.strip(), entities, relationships, note or "")
        else:
            if not (title or "").strip():
                return no_update, no_update, "give the new case a title", True
            case = bench.create_case(token, (title or "").strip(), description or "", entities)
            if relationships:
                case = bench.add_to_case(token, case.case_id, [], relationships, note or "")
        if (note or "").strip():
            case = bench.add_case_note(token, case.case_id, (note or "").strip())
    except (BigfinderError, ValueError) as exc:
        return no_update, no_update, str(exc), True
    return case.case_id, views.case_summary(case), *QUIET


def export_case(bench: Workbench, token: str | None, case_id: str | None) -> tuple[Any, str, bool]:
    """The case file as a download."""
    if not case_id:
        return no_update, "save the case first (or name an existing case id)", True
    try:
        export = bench.export_case_file(token, case_id.strip())
    except BigfinderError as exc:
        return no_update, *_fail(exc)
    download = {
        "content": base64.b64encode(export.content).decode(),
        "filename": export.filename,
        "type": export.media_type,
        "base64": True,
    }
    return download, *QUIET


# -- wiring -------------------------------------------------------------------------------------------

_MESSAGE = (
    Output("message", "children", allow_duplicate=True),
    Output("message", "is_open", allow_duplicate=True),
)
_CANVAS = Output("canvas-store", "data", allow_duplicate=True)
_SELECTION = Output("selection", "data", allow_duplicate=True)
_TOKEN = State("session-token", "data")
_FILTERS = (State("types", "value"), State("since", "value"), State("until", "value"))


def _bind(function: Callable[..., T], bench: Workbench) -> Callable[..., T]:
    def bound(*args: Any) -> T:
        return function(bench, *args)

    return bound


def register(app: Dash, bench: Workbench) -> None:
    """Wire every callback to the page."""
    app.callback(
        Output("session-token", "data"),
        Output("login-error", "children"),
        Input("login-button", "n_clicks"),
        State("login-key", "value"),
        State("login-purpose", "value"),
        prevent_initial_call=True,
    )(lambda _, key, purpose: log_in(bench, key, purpose))

    app.callback(
        Output("login-view", "style"),
        Output("app-view", "style"),
        Output("user-line", "children"),
        Output("alert-change", "disabled"),
        Output("case-save", "disabled"),
        Input("session-token", "data"),
    )(_bind(show_session, bench))

    def log_out(_: int, token: str | None) -> None:
        bench.log_out(token)

    app.callback(
        Output("session-token", "data", allow_duplicate=True),
        Input("logout-button", "n_clicks"),
        _TOKEN,
        prevent_initial_call=True,
    )(log_out)

    app.callback(
        Output("search-results", "children"),
        *_MESSAGE,
        Input("search-button", "n_clicks"),
        Input("search-text", "n_submit"),
        _TOKEN,
        State("search-text", "value"),
        State("search-by", "value"),
        prevent_initial_call=True,
    )(lambda _c, _s, token, text, by: search(bench, token, text, by))

    def on_hit(clicks: list[int | None], token: str | None, *filters: Any) -> tuple[Any, ...]:
        if not ctx.triggered_id or not any(clicks):
            return no_update, no_update, *QUIET
        return open_entity(bench, token, str(ctx.triggered_id["index"]), *filters)

    app.callback(
        _CANVAS, _SELECTION, *_MESSAGE,
        Input({"type": "hit", "index": ALL}, "n_clicks"), _TOKEN, *_FILTERS,
        prevent_initial_call=True,
    )(on_hit)  # fmt: skip

    def on_tap(
        tap: dict[str, Any] | None,
        _: int,
        token: str | None,
        canvas: Canvas | None,
        selection: str | None,
        *filters: Any,
    ) -> tuple[Any, ...]:
        if ctx.triggered_id == "expand-button":
            return expand(bench, token, canvas, selection, *filters, again=True)
        node_id = (tap or {}).get("data", {}).get("id")
        return expand(bench, token, canvas, node_id, *filters)

    app.callback(
        _CANVAS, _SELECTION, *_MESSAGE,
        Input("canvas", "tapNode"), Input("expand-button", "n_clicks"),
        _TOKEN, State("canvas-store", "data"), State("selection", "data"), *_FILTERS,
        prevent_initial_call=True,
    )(on_tap)  # fmt: skip

    app.callback(
        Output("canvas", "elements"),
        Output("canvas", "layout"),
        Output("canvas-status", "children"),
        Output("canvas-legend", "children"),
        Input("canvas-store", "data"),
        Input("types", "value"),
        Input("since", "value"),
        Input("until", "value"),
        Input("colour-by", "value"),
        Input("selection", "data"),
    )(render)

    # In the browser: what is under the pointer (a node's key, name and scores; an edge's type, date and
    # ends), without a round trip to the server for every mouse move.
    app.clientside_callback(  # type: ignore[no-untyped-call]  # dash leaves it unannotated
        _HOVER_JS,
        Output("canvas-hover", "children"),
        Input("canvas", "mouseoverNodeData"),
        Input("canvas", "mouseoverEdgeData"),
    )

    app.callback(
        Output("entity-panel", "children"), Output("timeline", "children"), _CANVAS, *_MESSAGE,
        Input("selection", "data"), _TOKEN, State("canvas-store", "data"),
        prevent_initial_call=True,
    )(lambda node_id, token, canvas: show_selection(bench, token, node_id, canvas))  # fmt: skip

    app.callback(
        Output("selected-edge", "data"), Output("edge-panel", "children"), Input("canvas", "tapEdgeData"),
        prevent_initial_call=True,
    )(select_edge)  # fmt: skip

    def path_end(_a: int, _b: int, selection: str | None) -> tuple[Any, Any]:
        if not selection:
            return no_update, no_update
        return (selection, no_update) if ctx.triggered_id == "path-start-button" else (no_update, selection)

    app.callback(
        Output("path-from", "value"), Output("path-to", "value"),
        Input("path-start-button", "n_clicks"), Input("path-end-button", "n_clicks"),
        State("selection", "data"),
        prevent_initial_call=True,
    )(path_end)  # fmt: skip

    app.callback(
        _CANVAS, Output("paths-panel", "children"), *_MESSAGE,
        Input("path-button", "n_clicks"), _TOKEN, State("path-from", "value"), State("path-to", "value"),
        State("canvas-store", "data"),
        prevent_initial_call=True,
    )(lambda _, token, source, target, canvas: find_paths(bench, token, source, target, canvas))  # fmt: skip

    def rings(tab: str, _: int, token: str | None) -> tuple[Any, ...]:
        if tab != "rings":
            return no_update, *QUIET
        return load_rings(bench, token, alerts=False, status=None)

    app.callback(
        Output("rings-grid", "rowData"), *_MESSAGE,
        Input("tabs", "active_tab"), Input("rings-refresh", "n_clicks"), _TOKEN,
        prevent_initial_call=True,
    )(rings)  # fmt: skip

    app.callback(
        _CANVAS, Output("ring-panel", "children"), _SELECTION, *_MESSAGE,
        Input("rings-grid", "selectedRows"), _TOKEN,
        prevent_initial_call=True,
    )(lambda rows, token: show_ring(bench, token, rows))  # fmt: skip

    def alerts(tab: str, status: str | None, _: Any, token: str | None) -> tuple[Any, ...]:
        if tab != "alerts" and ctx.triggered_id == "tabs":
            return no_update, *QUIET
        return load_rings(bench, token, alerts=True, status=status or None)

    app.callback(
        Output("alerts-grid", "rowData"), *_MESSAGE,
        Input("tabs", "active_tab"), Input("alert-filter", "value"), Input("alert-panel", "children"), _TOKEN,
        prevent_initial_call=True,
    )(alerts)  # fmt: skip

    app.callback(
        Output("alert-panel", "children"), *_MESSAGE,
        Input("alert-change", "n_clicks"), _TOKEN, State("alerts-grid", "selectedRows"),
        State("alert-status", "value"), State("alert-note", "value"),
        prevent_initial_call=True,
    )(lambda _, token, rows, status, note: change_alert(bench, token, rows, status, note))  # fmt: skip

    app.callback(
        Output("pins", "data", allow_duplicate=True), Input("pin-button", "n_clicks"),
        State("selection", "data"), State("pins", "data"),
        prevent_initial_call=True,
    )(lambda _, node_id, pins: pin_entity(node_id, pins))  # fmt: skip

    app.callback(
        Output("pins", "data", allow_duplicate=True), Input("pin-edge-button", "n_clicks"),
        State("selected-edge", "data"), State("pins", "data"),
        prevent_initial_call=True,
    )(lambda _, edge, pins: pin_edge(edge, pins))  # fmt: skip

    app.callback(Output("pins-panel", "children"), Input("pins", "data"))(views.pins_list)

    app.callback(
        Output("case-id", "value"), Output("case-panel", "children"), *_MESSAGE,
        Input("case-save", "n_clicks"), _TOKEN, State("pins", "data"), State("case-id", "value"),
        State("case-title", "value"), State("case-description", "value"), State("case-note", "value"),
        prevent_initial_call=True,
    )(lambda _, *args: save_case(bench, *args))  # fmt: skip

    app.callback(
        Output("case-download", "data"), *_MESSAGE,
        Input("case-export", "n_clicks"), _TOKEN, State("case-id", "value"),
        prevent_initial_call=True,
    )(lambda _, token, case_id: export_case(bench, token, case_id))  # fmt: skip
