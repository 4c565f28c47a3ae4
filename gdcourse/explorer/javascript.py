"""Write a traced computation (:mod:`gdcourse.explorer.trace`) as one straight-line JavaScript function.

Every node that the outputs depend on becomes one ``const``, written after its operands, so the
JavaScript performs the same IEEE operations on the same operands (the graph has no side effects, so
any order that respects the dependencies gives the same values).  Inputs are the function's parameters:
a scalar input ``eta`` is the parameter ``eta``, element ``i`` of an array input ``w`` is ``w[i]``.

>>> import numpy as np
>>> from gdcourse.explorer.trace import Tensor
>>> w, eta = Tensor.input("w", (2,)), Tensor.input("eta")
>>> print(function("step", ["w", "eta"], w - eta * w))
function step(w, eta) {
  const t0 = eta * w[0];
  const t1 = w[0] - t0;
  const t2 = eta * w[1];
  const t3 = w[1] - t2;
  return [t1, t3];
}
"""

from __future__ import annotations

import math
import re

import numpy as np

from gdcourse.explorer.trace import Node, Tensor, TracingError, as_nodes

__all__ = ["function", "literal", "HELPERS"]

#: Functions the generated code calls, with numpy's semantics (NaN propagates; on a tie the first operand).
HELPERS = """\
function maximum(a, b) { return a >= b || a !== a ? a : b; }  // np.maximum
function minimum(a, b) { return a <= b || a !== a ? a : b; }  // np.minimum
function floor_divide(a, b) {  // np.floor_divide on doubles: numpy's npy_divmod, step for step
  if (b === 0) return a / b;
  const mod = a % b;  // C's fmod, exactly
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;  // C's if (mod): NaN counts as non-zero
  if (div === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;  // copysign(0, a / b)
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}
"""

_EXPRESSIONS = {
    "add": "{0} + {1}",
    "sub": "{0} - {1}",
    "mul": "{0} * {1}",
    "div": "{0} / {1}",
    "floor_divide": "floor_divide({0}, {1})",
    "neg": "-{0}",
    "square": "{0} * {0}",
    "pow": "Math.pow({0}, {1})",
    "sqrt": "Math.sqrt({0})",
    "abs": "Math.abs({0})",
    "exp": "Math.exp({0})",
    "log": "Math.log({0})",
    "cos": "Math.cos({0})",
    "maximum": "maximum({0}, {1})",
    "minimum": "minimum({0}, {1})",
    "lt": "{0} < {1}",
    "le": "{0} <= {1}",
    "gt": "{0} > {1}",
    "ge": "{0} >= {1}",
    "eq": "{0} === {1}",
    "ne": "{0} !== {1}",
    "where": "{0} ? {1} : {2}",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def literal(value) -> str:
    """A JavaScript literal for a float (or bool) that parses back to the same double."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "(-Infinity)"
    text = repr(value)  # the shortest string that round-trips; JavaScript parses it to the same double
    if text.endswith(".0"):
        text = text[:-2]
    if value < 0 or (value == 0 and math.copysign(1, value) < 0):
        return f"({'-0' if value == 0 else text})"
    return text


def _flatten(outputs) -> list:
    """The output structure with every Tensor replaced by a list (nested like its shape) of nodes."""
    if isinstance(outputs, (tuple, list)):
        return [_flatten(o) for o in outputs]
    nodes = as_nodes(outputs)
    return nodes.tolist() if nodes.ndim else nodes[()]


def function(name: str, parameters: list[str], outputs, comment: str | None = None) -> str:
    """JavaScript source of ``function name(parameters) {...}`` returning ``outputs``.

    ``outputs`` is a Tensor, a node, or a (nested) tuple of them; the function returns the same structure
    with arrays for tensors.  Raises TracingError if an output depends on an input not in ``parameters``.
    """
    for parameter in parameters:
        if not _IDENTIFIER.match(parameter):
            raise ValueError(f"{parameter!r} is not a JavaScript identifier")
    structure = _flatten(outputs)
    names: dict[int, str] = {}
    lines: list[str] = []
    allowed = set(parameters)

    def reference(node: Node) -> str:
        if node.op == "const":
            return literal(node.value)
        if node.op == "input":
            parameter, index = node.value
            if parameter not in allowed:
                raise TracingError(f"{name}: the result depends on {parameter!r}, which is not a parameter")
            return parameter if index is None else f"{parameter}[{index}]"
        return names[id(node)]

    def visit(root: Node) -> None:
        # Iterative post-order: the graphs are deep (a 2000-step chain would overflow Python's stack).
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node.op in ("const", "input") or id(node) in names:
                continue
            if not expanded:
                stack.append((node, True))
                stack.extend((arg, False) for arg in reversed(node.args))
                continue
            expression = _EXPRESSIONS[node.op].format(*(reference(a) for a in node.args))
            names[id(node)] = f"t{len(names)}"
            lines.append(f"  const {names[id(node)]} = {expression};")

    def emit(item) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(emit(i) for i in item) + "]"
        visit(item)
        return reference(item)

    returned = emit(structure)
    header = f"// {comment}\n" if comment else ""
    return f"{header}function {name}({', '.join(parameters)}) {{\n" + "\n".join(lines) + f"\n  return {returned};\n}}"
