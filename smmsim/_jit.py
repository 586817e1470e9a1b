"""The decorator of the compiled kernels' helpers, ``@helper``, and :func:`prefetch`.

A helper is a compiled function that takes arrays, never allocates, and is
called from a kernel's loop. numba compiles it without reference counting
(its ``_nrt=False`` option) and LLVM inlines it into the caller. With
reference counting, or with numba's own ``inline="always"``, every call
increfs and decrefs each array argument: about 100 ns an event scheduled in
the engine kernel, which made a run of 20,000 ad exposures 3x slower (2.9 ms
against 0.9 ms). It is cached like the kernels.
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

_OPTIONS: dict[str, Any] = {"cache": True, "_nrt": False}

helper = njit(**_OPTIONS)


@intrinsic
def prefetch(typingctx, array, index):
    """Ask the CPU to bring ``array[index]`` (1-D) into its cache; nothing else happens.

    LLVM's ``llvm.prefetch`` (read, keep in all cache levels). A kernel that walks
    the ties of many people at scattered places in memory asks for the next few
    people's ties while it works on one: the engine's reach pass over 500 BA cascades
    ran 1.7x faster so (benchmarks/README.md, "Issue 12, latest"). A hint: results
    never depend on it.
    """
    if not isinstance(array, types.Array) or array.ndim != 1:
        return None
    if not isinstance(index, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        arr = context.make_array(array_type)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, array_type, arr, [args[1]])
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
        # read (0), high locality (3), data cache (1)
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(array, index), codegen
