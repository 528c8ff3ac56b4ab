"""Compare JSON documents by shape: keys and types, recursively."""


def shape_differences(mock, real, where="$"):
    """Where the real answer lacks a key the mock returns, or has another type. Extra keys are fine."""
    if isinstance(mock, dict):
        if not isinstance(real, dict):
            return [f"{where}: object in the mock, {type(real).__name__} in Graph"]
        problems = []
        for key, value in mock.items():
            if key not in real:
                problems.append(f"{where}.{key}: returned by the mock, missing from Graph")
            else:
                problems += shape_differences(value, real[key], f"{where}.{key}")
        return problems
    if isinstance(mock, list):
        if not isinstance(real, list):
            return [f"{where}: array in the mock, {type(real).__name__} in Graph"]
        return shape_differences(mock[0], real[0], f"{where}[0]") if mock and real else []
    if isinstance(mock, bool) or isinstance(real, bool):
        return [] if type(mock) is type(real) else [f"{where}: {type(mock).__name__} vs {type(real).__name__}"]
    if isinstance(mock, (int, float)) and isinstance(real, (int, float)):
        return []
    return [] if type(mock) is type(real) else [f"{where}: {type(mock).__name__} in the mock, {type(real).__name__} in Graph"]
