r"""Record what a numpy function computes, one scalar operation at a time.

The explorers draw in the reader's browser what gdcourse computes.  To run the very same arithmetic
there without a second, hand-kept copy of the equations, we call gdcourse's own functions — an
optimizer's ``update``, a problem's ``f`` and ``grad`` — with :class:`Tensor` arguments instead of
arrays.  A Tensor holds one :class:`Node` per element; every operation on it (``+``, ``*``, ``**``,
``np.sqrt``, ``np.maximum``, ``w[..., 0]``, ``np.stack``, ``@`` with a constant matrix, …) builds new
nodes instead of numbers, in the order Python evaluates the expression.  The nodes that the function
returns form a graph that :mod:`gdcourse.explorer.javascript` writes out as straight-line JavaScript.

>>> import numpy as np
>>> x = Tensor.input("x", (2,))
>>> y = 1 - np.sqrt(x * x)
>>> [str(node) for node in y.nodes.flat]
['(1.0 - sqrt((x[0] * x[0])))', '(1.0 - sqrt((x[1] * x[1])))']

Why the numbers agree.  IEEE 754 defines ``+ − × ÷`` and ``√`` to be correctly rounded, in numpy as in
JavaScript, so the same operations on the same doubles in the same order give the same bits.  Tracing
keeps the order (each node is one operation of the Python code) and folds only operations whose inputs
are all constants — the same operations numpy performs once per call.  ``x ** 2`` becomes ``x * x``
(numpy computes an array's square that way); other powers and ``exp``/``log``/``cos`` call the
platform's ``pow``/``exp``/``cos``, which may differ from the C library's in the last bit.  ``//`` (a
learning-rate schedule's ``t // step_size``) becomes a helper that repeats numpy's ``floor_divide``
for doubles operation for operation, so it agrees bit for bit.  Sums inside ``@`` are added
left to right; numpy's BLAS may group them differently (again a last-bit difference).

What cannot be traced fails loudly: a Python ``if`` on a traced value raises :class:`TracingError` (a
branch on a configuration attribute such as ``eps_in_sqrt`` is fine: it is decided before tracing, one
variant per value), and so does any numpy function or ufunc the tracer does not know.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["Node", "Tensor", "TracingError", "as_nodes", "constant"]


class TracingError(TypeError):
    """The traced function did something that cannot become straight-line code."""


_BRANCH = (
    "the traced code branches on a traced value (an `if`, `and`, `or`, `min` or `max` on data); "
    "write it with np.where / np.maximum, or branch on a configuration attribute"
)


class Node:
    """One scalar value of a traced computation: an input, a constant, or an operation on nodes.

    ``op`` is ``"input"`` (``value`` = (parameter name, flat index or None)), ``"const"`` (``value`` =
    the float), or an operation name from :data:`OPERATIONS` with its operand nodes in ``args``.
    """

    __slots__ = ("op", "args", "value")

    def __init__(self, op: str, args: tuple = (), value=None):
        self.op, self.args, self.value = op, args, value

    # A Node is one scalar; the element-wise numpy machinery calls these on object arrays.
    def __bool__(self):
        raise TracingError(_BRANCH)

    def __str__(self) -> str:
        if self.op == "input":
            name, index = self.value
            return name if index is None else f"{name}[{index}]"
        if self.op == "const":
            return repr(self.value)
        symbol = _INFIX.get(self.op)
        if symbol:
            return f"({self.args[0]} {symbol} {self.args[1]})"
        return f"{self.op}({', '.join(map(str, self.args))})"

    __repr__ = __str__


def constant(value) -> Node:
    if isinstance(value, (bool, np.bool_)):
        return Node("const", value=bool(value))
    return Node("const", value=float(value))


# --------------------------------------------------------------------------- the operations
# name -> the numpy function that computes it on constants.  "square" is x * x, which is how numpy
# computes `array ** 2`; "pow" is every other power.
OPERATIONS = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "floor_divide": np.floor_divide,
    "neg": np.negative,
    "square": lambda x: x * x,
    "pow": np.power,
    "sqrt": np.sqrt,
    "abs": np.absolute,
    "exp": np.exp,
    "log": np.log,
    "cos": np.cos,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
    "ne": np.not_equal,
    "where": np.where,
}
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}
_UFUNCS = {
    np.add: "add",
    np.subtract: "sub",
    np.multiply: "mul",
    np.true_divide: "div",
    np.floor_divide: "floor_divide",
    np.negative: "neg",
    np.square: "square",
    np.power: "pow",
    np.sqrt: "sqrt",
    np.absolute: "abs",
    np.exp: "exp",
    np.log: "log",
    np.cos: "cos",
    np.maximum: "maximum",
    np.minimum: "minimum",
    np.less: "lt",
    np.less_equal: "le",
    np.greater: "gt",
    np.greater_equal: "ge",
    np.equal: "eq",
    np.not_equal: "ne",
}


def operate(op: str, *args: Node) -> Node:
    """A node for ``op(*args)``; folded to a constant when every operand is a constant."""
    if op == "pow" and args[1].op == "const" and args[1].value == 2:
        op, args = "square", args[:1]
    if all(a.op == "const" for a in args):
        with np.errstate(all="ignore"):
            values = [np.bool_(a.value) if isinstance(a.value, bool) else np.float64(a.value) for a in args]
            return constant(OPERATIONS[op](*values))
    return Node(op, args)


_elementwise = {op: np.frompyfunc(lambda *xs, op=op: operate(op, *xs), 3 if op == "where" else (1 if op in {"neg", "square", "sqrt", "abs", "exp", "log", "cos"} else 2), 1) for op in OPERATIONS}


def as_nodes(x) -> np.ndarray:
    """An object array of nodes for a Tensor, a number or an array of numbers (constants)."""
    if isinstance(x, Tensor):
        return x.nodes
    if isinstance(x, Node):
        return np.array(x, dtype=object)
    if isinstance(x, (numbers.Real, np.number, np.bool_)):
        return np.array(constant(x), dtype=object)
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        out = np.empty(x.shape, dtype=object)
        for index, value in np.ndenumerate(x):
            out[index] = constant(value)
        return out
    if isinstance(x, (list, tuple)):
        parts = [as_nodes(item) for item in x]
        out = np.empty((len(parts),) + (parts[0].shape if parts else ()), dtype=object)
        for i, part in enumerate(parts):
            out[i] = part
        return out
    raise TracingError(f"cannot trace an operation on {type(x).__name__} {x!r}")


def _wrap(nodes) -> "Tensor":
    nodes = np.asarray(nodes, dtype=object) if not isinstance(nodes, np.ndarray) else nodes
    return Tensor(nodes)


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b on object arrays of nodes (1-D or 2-D), each sum added left to right."""
    if a.ndim == 0 or b.ndim == 0:
        raise TracingError("matmul: scalar operands are not allowed (as in numpy)")
    a2 = a if a.ndim == 2 else a[None, :]
    b2 = b if b.ndim == 2 else b[:, None]
    if a2.shape[1] != b2.shape[0]:
        raise TracingError(f"matmul: shapes {a.shape} and {b.shape} do not match")
    out = np.empty((a2.shape[0], b2.shape[1]), dtype=object)
    for i in range(a2.shape[0]):
        for j in range(b2.shape[1]):
            total = operate("mul", a2[i, 0], b2[0, j])
            for k in range(1, a2.shape[1]):
                total = operate("add", total, operate("mul", a2[i, k], b2[k, j]))
            out[i, j] = total
    if a.ndim == 1:
        out = out[0]
    if b.ndim == 1:
        out = out[..., 0]
    return out


class Tensor:
    """An array of traced values, shaped like the numpy array it stands for.

    It answers ``shape``, ``ndim``, ``dtype`` (float64), ``len``, ``T``, indexing and the arithmetic
    operators, and takes part in numpy's ufuncs (``__array_ufunc__``) and in ``np.stack``,
    ``np.where``, ``np.broadcast_to`` (``__array_function__``).
    """

    __array_priority__ = 100  # numpy scalars and arrays defer to our operators

    def __init__(self, nodes: np.ndarray):
        self.nodes = nodes

    @classmethod
    def input(cls, name: str, shape: tuple = ()) -> "Tensor":
        """An input of the traced function: element ``i`` (flat index) is ``name[i]``, a scalar is ``name``."""
        nodes = np.empty(shape, dtype=object)
        if shape == ():
            nodes[()] = Node("input", value=(name, None))
        else:
            for flat, index in enumerate(np.ndindex(*shape)):
                nodes[index] = Node("input", value=(name, flat))
        return cls(nodes)

    # -------------------------------------------------------------- array-like attributes
    shape = property(lambda self: self.nodes.shape)
    ndim = property(lambda self: self.nodes.ndim)
    size = property(lambda self: self.nodes.size)
    dtype = np.dtype(np.float64)
    T = property(lambda self: Tensor(self.nodes.T))

    def __len__(self) -> int:
        return len(self.nodes)

    def __getitem__(self, key) -> "Tensor":
        if isinstance(key, Tensor) or (isinstance(key, tuple) and any(isinstance(k, Tensor) for k in key)):
            raise TracingError("indexing with a traced value cannot be traced")
        return Tensor(np.asarray(self.nodes[key], dtype=object))

    def reshape(self, *shape) -> "Tensor":
        return Tensor(self.nodes.reshape(*shape))

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __bool__(self):
        raise TracingError(_BRANCH)

    def __repr__(self) -> str:
        return f"Tensor(shape={self.shape})"

    # -------------------------------------------------------------- numpy protocols
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            raise TracingError(f"np.{ufunc.__name__}.{method} with {sorted(kwargs)} cannot be traced")
        if ufunc is np.matmul:
            return _wrap(_matmul(*(as_nodes(x) for x in inputs)))
        op = _UFUNCS.get(ufunc)
        if op is None:
            raise TracingError(f"np.{ufunc.__name__} cannot be traced (known: {sorted(u.__name__ for u in _UFUNCS)})")
        return _wrap(_elementwise[op](*(as_nodes(x) for x in inputs)))

    def __array_function__(self, func, types, args, kwargs):
        if func is np.stack:
            arrays = [as_nodes(a) for a in args[0]]
            return _wrap(np.stack(arrays, *args[1:], **kwargs))
        if func is np.where and len(args) == 3 and not kwargs:
            return _wrap(_elementwise["where"](*(as_nodes(a) for a in args)))
        if func is np.broadcast_to:
            return _wrap(np.broadcast_to(as_nodes(args[0]), *args[1:], **kwargs).copy())
        if func is np.shape:
            return self.shape
        raise TracingError(f"np.{func.__name__} cannot be traced")

    # -------------------------------------------------------------- operators
    def _binary(ufunc, reflected=False):
        def method(self, other):
            return ufunc(other, self) if reflected else ufunc(self, other)

        return method

    __add__, __radd__ = _binary(np.add), _binary(np.add, True)
    __sub__, __rsub__ = _binary(np.subtract), _binary(np.subtract, True)
    __mul__, __rmul__ = _binary(np.multiply), _binary(np.multiply, True)
    __truediv__, __rtruediv__ = _binary(np.true_divide), _binary(np.true_divide, True)
    __floordiv__, __rfloordiv__ = _binary(np.floor_divide), _binary(np.floor_divide, True)
    __pow__, __rpow__ = _binary(np.power), _binary(np.power, True)
    __matmul__, __rmatmul__ = _binary(np.matmul), _binary(np.matmul, True)
    __lt__, __le__ = _binary(np.less), _binary(np.less_equal)
    __gt__, __ge__ = _binary(np.greater), _binary(np.greater_equal)
    del _binary

    def __neg__(self):
        return np.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return np.absolute(self)

    __hash__ = None  # mutable-looking, compared element-wise: like ndarray


