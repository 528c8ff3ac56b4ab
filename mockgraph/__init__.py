"""mockgraph: a local Graph API that answers like graph.facebook.com for the guide's examples.

    data/guide.yaml --(operation map, versions, error codes)--> mockgraph

The operation map (`operations:`) gives the routing table (mockgraph.routing) and the permission
each call needs; mockgraph.handlers answers the operations marked `mock: simulated`, mockgraph.spec
every other one from Meta's spec.

Run it: ``python -m mockgraph --port 8765``. Use it from tests: :func:`serve` starts it on a
free port in a background thread and returns the running server.
"""

from mockgraph.app import GraphMock
from mockgraph.demo import DEMO_APP, DEMO_TOKENS, OTHER_APP, token_value
from mockgraph.server import RunningMock, serve

__all__ = ["DEMO_APP", "DEMO_TOKENS", "OTHER_APP", "GraphMock", "RunningMock", "serve", "token_value"]
