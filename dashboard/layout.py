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

__all__ = ["STYLESHEET", "page"]

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
    "Trip": "vee",
    "XRayHit": "star",
}

#: How the canvas draws each kind of element: shape by label, fill by risk (or ring), thick orange
#: border for shared identifiers, purple border for ring members, red for the highlighted path or ring.
STYLESHEET: list[dict[str, Any]] = [
    {
        "selector": "node",
        "style": {
            "label": "data(caption)",
            "font-size": 11,
            "width": 26,
            "height": 26,
            "background-color": "#b0bec5",
            "text-valign": "bottom",
            "text-margin-y": 3,
            "color": "#263238",
        },
    },
    *({"selector": f".{label}", "style": {"shape": shape}} for label, shape in _SHAPES.items()),
    {"selector": ".scored", "style": {"background-color": "mapData(heat, 0, 1, #e3f2fd, #b71c1c)"}},
    {"selector": ".ring", "style": {"border-width": 4, "border-color": "data(ring_colour)"}},
    {"selector": ".ring-fill", "style": {"background-color": "data(ring_colour)"}},
    {
        "selector": ".shared",
        "style": {"border-width": 5, "border-color": "#ff9800", "width": 28, "height": 28},
    },
    {"selector": ".center", "style": {"width": 32, "height": 32, "font-weight": "bold"}},
    {
        "selector": "node.highlight",
        "style": {"overlay-color": "#e53935", "overlay-opacity": 0.18, "overlay-padding": 6},
    },
    {
        "selector": "node.more",
        "style": {
            "shape": "round-tag",
            "background-color": "#eceff1",
            "border-width": 1,
            "border-color": "#90a4ae",
            "width": 14,
            "height": 14,
            "font-style": "italic",
        },
    },
    {
        "selector": "edge",
        "style": {"width": 1.2, "line-color": "#90a4ae", "curve-style": "haystack", "opacity": 0.8},
    },
    {"selector": "edge.TRANSFER", "style": {"line-color": "#1e88e5"}},
    {"selector": "edge.more", "style": {"line-style": "dotted"}},
    {"selector": "edge.highlight", "style": {"width": 3.5, "line-color": "#e53935", "opacity": 1}},
    {"selector": ":selected", "style": {"border-width": 3, "border-color": "#000"}},
]

_COLOUR_LABELS = {
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
            options=[{"label": _COLOUR_LABELS[c], "value": c} for c in COLOUR_BY],
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
            style={"width": "100%", "height": "620px", "border": "1px solid #cfd8dc", "background": "#fff"},
            minZoom=0.1,
            maxZoom=3,
            boxSelectionEnabled=False,
        ),
        html.Div(id="canvas-status", className="small text-muted"),
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
        [dbc.Col(left, width=3), dbc.Col(middle, width=6), dbc.Col(right, width=3)], className="mt-2"
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
