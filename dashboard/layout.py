"""The page: a login card, then the workspace (search, filters, path finder, canvas, side panel) with the
timeline, ring explorer, alert queue and case builder in tabs under it."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import dash_cytoscape as cyto
from dash import dcc, html

from api.schemas import NETWORK_TYPES, AlertStatus
from dashboard.graphview import COLOUR_BY

__all__ = [
    "COLOUR_LABELS",
    "HEAT_COLOURS",
    "HIGHLIGHT_COLOUR",
    "SHARED_COLOUR",
    "STYLESHEET",
    "TRANSFER_COLOUR",
    "UNSCORED_COLOUR",
    "page",
]

_SHAPES = {
    "Person": "ellipse",
    "Company": "round-rectangle",
    "Account": "rectangle",
    "Phone": "diamond",
    "Email": "diamond",
    "Address": "diamond",
    "Passport": "diamond",
    "Declaration": "triangle",
    "Parcel": "hexagon",
    "PurchaseRecord": "tag",
    "Trip": "vee",
    "XRayHit": "star",
    "Document": "rhomboid",
    "WatchlistEntry": "octagon",
}
#: The highlight of the last path or ring drawn (its evidence), and what is shared.
HIGHLIGHT_COLOUR = "#e53935"
SHARED_COLOUR = "#ff9800"
TRANSFER_COLOUR = "#1e88e5"
UNSCORED_COLOUR = "#cfd8dc"
#: The risk scale, lowest to highest (``mapData`` between them; the legend draws the same gradient).
HEAT_COLOURS = ("#fff3e0", "#b71c1c")

_LABEL_TEXT = {
    "label": "data(caption)",
    "color": "#212121",
    "text-outline-color": "#ffffff",
    "text-outline-width": 2,
    # Cytoscape skips labels smaller than this on screen: at 500 nodes zoomed out, no text soup.
    "min-zoomed-font-size": 7,
}

#: How the canvas draws each element. Size by kind (parties big, identifiers small, events smallest),
#: shape by label, fill by risk (or ring); ring members get a halo and border in the ring's colour,
#: shared identifiers an orange border, the path or ring evidence red, the selection a black border.
#: Only "labelled" elements carry text (see :func:`dashboard.graphview.elements`).
STYLESHEET: list[dict[str, Any]] = [
    {
        "selector": "node",
        "style": {
            "width": 18,
            "height": 18,
            "background-color": UNSCORED_COLOUR,
            "border-width": 1,
            "border-color": "#90a4ae",
            "font-size": 12,
            "text-valign": "bottom",
            "text-margin-y": 3,
        },
    },
    {"selector": "node.party", "style": {"width": 40, "height": 40, "font-size": 17, "font-weight": 600}},
    {"selector": "node.Company", "style": {"width": 50, "height": 36}},
    {"selector": "node.identifier", "style": {"width": 20, "height": 20}},
    {"selector": "node.event", "style": {"width": 14, "height": 14, "background-color": "#e0e0e0"}},
    *({"selector": f".{label}", "style": {"shape": shape}} for label, shape in _SHAPES.items()),
    {"selector": "node.labelled", "style": _LABEL_TEXT},
    {
        "selector": ".scored",
        "style": {"background-color": f"mapData(heat, 0, 1, {HEAT_COLOURS[0]}, {HEAT_COLOURS[1]})"},
    },
    {"selector": "node.highlight", "style": {"border-width": 3, "border-color": HIGHLIGHT_COLOUR}},
    {
        "selector": ".ring",
        "style": {
            "border-width": 5,
            "border-color": "data(ring_colour)",
            "underlay-color": "data(ring_colour)",
            "underlay-opacity": 0.28,
            "underlay-padding": 8,
            "underlay-shape": "ellipse",
        },
    },
    {"selector": ".ring-fill", "style": {"background-color": "data(ring_colour)"}},
    {"selector": ".shared", "style": {"border-width": 5, "border-color": SHARED_COLOUR}},
    {"selector": "node.center", "style": {"font-weight": 800}},
    {
        "selector": "node.more",
        "style": {
            **_LABEL_TEXT,
            "shape": "round-tag",
            "background-color": "#eceff1",
            "border-width": 1,
            "border-color": "#90a4ae",
            "width": 12,
            "height": 12,
            "font-size": 10,
            "font-style": "italic",
            "color": "#546e7a",
        },
    },
    {
        "selector": "edge",
        "style": {"width": 1.2, "line-color": "#b0bec5", "curve-style": "haystack", "opacity": 0.9},
    },
    # Money has a direction: transfers get an arrow (haystack edges cannot draw one).
    {
        "selector": "edge.TRANSFER",
        "style": {
            "line-color": TRANSFER_COLOUR,
            "curve-style": "bezier",
            "target-arrow-shape": "triangle",
            "target-arrow-color": TRANSFER_COLOUR,
            "arrow-scale": 0.8,
        },
    },
    {
        "selector": "edge.labelled",
        "style": {
            **_LABEL_TEXT,
            "curve-style": "bezier",
            "font-size": 10,
            "color": "#455a64",
            "text-outline-width": 0,
            "text-rotation": "autorotate",
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": 1,
            "min-zoomed-font-size": 6,
        },
    },
    {"selector": "edge.more", "style": {"line-style": "dotted"}},
    {
        "selector": "edge.highlight",
        "style": {
            "width": 3,
            "line-color": HIGHLIGHT_COLOUR,
            "target-arrow-color": HIGHLIGHT_COLOUR,
            "opacity": 1,
            "z-index": 10,
        },
    },
    {
        "selector": "node.selected, node:selected",
        "style": {
            **_LABEL_TEXT,
            "border-width": 5,
            "border-color": "#000000",
            "underlay-color": "#000000",
            "underlay-opacity": 0.18,
            "underlay-padding": 10,
            "z-index": 20,
        },
    },
    {
        "selector": "edge:selected",
        "style": {"width": 4, "line-color": "#000000", "target-arrow-color": "#000"},
    },
]

#: What the colour-by choices are called, on the radio buttons and in the legend.
COLOUR_LABELS = {
    "risk_score": "risk score",
    "accomplice_score": "accomplice score",
    "pagerank": "PageRank",
    "ring": "ring",
}


def _login() -> Any:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4("bigfinder: log in"),
                dbc.Label("API key", html_for="login-key"),
                dbc.Input(id="login-key", type="password", placeholder="bf_..."),
                dbc.Label(
                    "Purpose of this investigation (written to the audit log)",
                    html_for="login-purpose",
                    className="mt-2",
                ),
                dbc.Input(id="login-purpose", placeholder="case 2024-17: smuggling ring review"),
                dbc.Button("Log in", id="login-button", color="primary", className="mt-3", n_clicks=0),
                html.Div(id="login-error", className="text-danger mt-2"),
            ]
        ),
        style={"maxWidth": "460px", "margin": "8vh auto"},
    )


def _workspace() -> Any:
    left = [
        dbc.InputGroup(
            [
                dbc.Input(id="search-text", placeholder="name, key, phone, e-mail, account ...", n_submit=0),
                dbc.Button("Search", id="search-button", n_clicks=0),
            ]
        ),
        dbc.RadioItems(
            id="search-by",
            options=[{"label": "name", "value": "name"}, {"label": "identifier", "value": "identifier"}],
            value="name",
            inline=True,
            className="small",
        ),
        html.Div(id="search-results", className="mt-2", style={"maxHeight": "220px", "overflowY": "auto"}),
        html.H6("Colour by", className="mt-3"),
        dbc.RadioItems(
            id="colour-by",
            options=[{"label": COLOUR_LABELS[c], "value": c} for c in COLOUR_BY],
            value="risk_score",
            className="small",
        ),
        html.H6("Time window", className="mt-3"),
        dbc.InputGroup([dbc.InputGroupText("from"), dbc.Input(id="since", type="date")], size="sm"),
        dbc.InputGroup([dbc.InputGroupText("to"), dbc.Input(id="until", type="date")], size="sm"),
        html.H6("Relationships", className="mt-3"),
        html.Div(
            dbc.Checklist(
                id="types",
                options=[{"label": t, "value": t} for t in NETWORK_TYPES],
                value=list(NETWORK_TYPES),
                className="small",
            ),
            style={"maxHeight": "180px", "overflowY": "auto"},
        ),
        html.H6("Path finder", className="mt-3"),
        dbc.Input(id="path-from", placeholder="from: Label:key", size="sm"),
        dbc.Input(id="path-to", placeholder="to: Label:key", size="sm", className="mt-1"),
        dbc.Button("Find paths", id="path-button", size="sm", className="mt-1", n_clicks=0),
        html.Div(id="paths-panel", className="mt-2"),
    ]
    middle = [
        cyto.Cytoscape(
            id="canvas",
            elements=[],
            layout={"name": "preset", "fit": True, "padding": 30},
            stylesheet=STYLESHEET,
            style={"width": "100%", "height": "660px", "border": "1px solid #cfd8dc", "background": "#fff"},
            minZoom=0.05,
            # Also the most a fit zooms in: a handful of nodes is drawn at a readable size, not huge.
            maxZoom=1.5,
            boxSelectionEnabled=False,
        ),
        html.Div(
            [
                html.Span(id="canvas-status", className="text-muted"),
                html.Span(id="canvas-hover", className="canvas-hover"),
            ],
            className="small canvas-lines",
        ),
        html.Div(id="canvas-legend", className="canvas-legend"),
    ]
    right = [
        dbc.ButtonGroup(
            [
                dbc.Button("Expand", id="expand-button", size="sm", n_clicks=0),
                dbc.Button("Pin", id="pin-button", size="sm", n_clicks=0),
                dbc.Button("Path from", id="path-start-button", size="sm", n_clicks=0),
                dbc.Button("Path to", id="path-end-button", size="sm", n_clicks=0),
            ]
        ),
        html.Div(id="edge-panel", className="small mt-2"),
        dbc.Button("Pin relationship", id="pin-edge-button", size="sm", n_clicks=0, className="mt-1"),
        html.Div(id="entity-panel", className="mt-2", style={"maxHeight": "720px", "overflowY": "auto"}),
    ]
    return dbc.Row(
        [dbc.Col(left, width=2), dbc.Col(middle, width=7), dbc.Col(right, width=3)], className="mt-2"
    )


def _grid(grid_id: str) -> Any:
    columns = ["rank", "scheme", "score", "members", "status", "last_found_at", "ring_id"]
    return dag.AgGrid(
        id=grid_id,
        columnDefs=[{"field": c, "sortable": True, "filter": True} for c in columns],
        rowData=[],
        dashGridOptions={"rowSelection": "single", "animateRows": False},
        getRowId="params.data.ring_id",
        style={"height": "420px"},
    )


def _timeline() -> Any:
    return html.Div(
        [html.H6("Transfers, trips, declarations and X-ray hits of the selection"), html.Div(id="timeline")],
        className="mt-2",
    )


def _rings() -> Any:
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Button("Refresh", id="rings-refresh", size="sm", n_clicks=0),
                    html.Span(" Select a ring to draw it on the canvas above.", className="small"),
                    _grid("rings-grid"),
                ],
                width=7,
            ),
            dbc.Col(
                html.Div(id="ring-panel", className="mt-2"),
                width=5,
            ),
        ],
        className="mt-2",
    )


def _alerts() -> Any:
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Select(
                        id="alert-filter",
                        options=[{"label": "all statuses", "value": ""}]
                        + [{"label": s.value, "value": s.value} for s in AlertStatus],
                        value="",
                        size="sm",
                    ),
                    _grid("alerts-grid"),
                ],
                width=8,
            ),
            dbc.Col(
                [
                    html.H6("Change the selected alert's status"),
                    dbc.Select(
                        id="alert-status",
                        options=[
                            {"label": s.value, "value": s.value} for s in AlertStatus if s != AlertStatus.NEW
                        ],
                        value=AlertStatus.IN_REVIEW.value,
                    ),
                    dbc.Textarea(id="alert-note", placeholder="why (kept with the alert)", className="mt-1"),
                    dbc.Button("Change status", id="alert-change", className="mt-1", n_clicks=0),
                    html.Div(id="alert-panel", className="small mt-2"),
                ],
                width=4,
            ),
        ],
        className="mt-2",
    )


def _case() -> Any:
    return dbc.Row(
        [
            dbc.Col(html.Div(id="pins-panel"), width=5),
            dbc.Col(
                [
                    dbc.Input(id="case-id", placeholder="existing case id (empty: open a new case)"),
                    dbc.Input(id="case-title", placeholder="case title", className="mt-1"),
                    dbc.Textarea(id="case-description", placeholder="description", className="mt-1"),
                    dbc.Textarea(id="case-note", placeholder="a note to add to the case", className="mt-1"),
                    dbc.Button("Save case", id="case-save", color="primary", className="mt-2", n_clicks=0),
                    dbc.Button("Export case file", id="case-export", className="mt-2 ms-2", n_clicks=0),
                    dcc.Download(id="case-download"),
                    html.Div(id="case-panel", className="mt-2"),
                ],
                width=7,
            ),
        ],
        className="mt-2",
    )


def page() -> Any:
    """The whole page; the login card and the application are shown one at a time."""
    return html.Div(
        [
            dcc.Store(id="session-token", storage_type="session"),
            dcc.Store(id="canvas-store", data=None),
            dcc.Store(id="selection", data=None),
            dcc.Store(id="selected-edge", data=None),
            dcc.Store(id="pins", data={"entities": [], "relationships": []}),
            html.Div(_login(), id="login-view"),
            html.Div(
                [
                    dbc.Navbar(
                        dbc.Container(
                            [
                                dbc.NavbarBrand("bigfinder investigation"),
                                html.Span(id="user-line", className="text-light small"),
                                dbc.Button(
                                    "Log out", id="logout-button", size="sm", color="secondary", n_clicks=0
                                ),
                            ],
                            fluid=True,
                        ),
                        color="dark",
                        dark=True,
                    ),
                    dbc.Alert(
                        id="message", is_open=False, color="warning", dismissable=True, className="m-2"
                    ),
                    _workspace(),
                    # The tools share the space under the canvas, which stays in view (and sized) throughout.
                    dbc.Tabs(
                        [
                            dbc.Tab(_timeline(), label="Timeline", tab_id="timeline"),
                            dbc.Tab(_rings(), label="Rings", tab_id="rings"),
                            dbc.Tab(_alerts(), label="Alerts", tab_id="alerts"),
                            dbc.Tab(_case(), label="Case", tab_id="case"),
                        ],
                        id="tabs",
                        active_tab="timeline",
                        className="mt-2",
                    ),
                ],
                id="app-view",
                style={"display": "none"},
            ),
        ]
    )
