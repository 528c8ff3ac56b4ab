# Diagnose the token in WHATSAPP_TOKEN; add --json for CI.
# No Meta account yet? Try it with a demo token:
python -m mockgraph doctor --demo-token management-only
