"""Devices from Python: names, placement by every creation function, moving
arrays, and the errors for devices this build or machine lacks. The CUDA
cases run only where `__array_namespace_info__().devices()` lists a GPU
(a build with the cargo feature `cuda` on a machine with one); elsewhere
they skip with a message."""
import numpy as np
import pytest

import lazyxp as xp

INFO = xp.__array_namespace_info__()
GPUS = [d for d in INFO.devices() if str(d).startswith("cuda:")]
CPU = INFO.default_device()
needs_gpu = pytest.mark.skipif(not GPUS, reason="no CUDA device in this build or on this machine")


def test_the_cpu_is_the_default_and_listed_first():
    assert str(CPU) == "cpu" and repr(CPU) == "Device('cpu')"
    assert INFO.devices()[0] == CPU
    assert all(str(d) == "cpu" or str(d).startswith("cuda:") for d in INFO.devices())
    assert len(set(INFO.devices())) == len(INFO.devices())


@pytest.mark.parametrize("name", ["cpu", CPU])
def test_every_creation_function_takes_the_cpu_by_name_or_object(name):
    made = [
        xp.asarray([1.0, 2.0], device=name),
        xp.zeros(3, device=name),
        xp.ones((2, 2), device=name),
        xp.empty(2, device=name),
        xp.full(2, 7, device=name),
        xp.arange(4, device=name),
        xp.linspace(0, 1, 5, device=name),
        xp.eye(3, device=name),
        xp.zeros_like(xp.ones(2), device=name),
        xp.astype(xp.ones(2), xp.int32, device=name),
        xp.from_dlpack(np.arange(3.0), device=name),
    ]
    for a in made:
        assert a.device == CPU


@pytest.mark.parametrize("bad", ["tpu", "cuda:x", "cuda:+1", "cuda:01", "cuda:", "gpu:0", 0, "CPU"])
def test_unknown_device_names_are_value_errors(bad):
    with pytest.raises(ValueError, match="device"):
        xp.zeros(2, device=bad)
    with pytest.raises(ValueError, match="device"):
        xp.ones(2).to_device(bad)


def test_a_device_this_build_or_machine_lacks_is_a_value_error_naming_it():
    missing = f"cuda:{len(GPUS) + 3}"
    for make in (lambda: xp.asarray([1.0], device=missing), lambda: xp.ones(2).to_device(missing),
                 lambda: xp.full(2, 1.0, device=missing), lambda: xp.zeros_like(xp.ones(1), device=missing)):
        with pytest.raises(ValueError, match=missing):
            make()
    if not GPUS:
        # A CPU-only build or machine refuses the first GPU too, and says why.
        with pytest.raises(ValueError, match="cuda:0"):
            xp.asarray([1.0], device="cuda")


def test_like_functions_and_to_device_keep_the_array_when_nothing_moves():
    a = xp.asarray([1.0, 2.0])
    assert a.to_device("cpu") is a
    assert xp.asarray(a, device="cpu") is a
    assert xp.ones_like(a).device == a.device
    assert a.__dlpack_device__() == (1, 0)


@needs_gpu
def test_arrays_on_a_gpu_compute_there_and_match_numpy():
    g = GPUS[0]
    v = np.linspace(-3, 3, 10_001, dtype=np.float32)
    x = xp.asarray(v, device=g)
    assert x.device == g and x.__dlpack_device__() == (2, int(str(g).split(":")[1]))
    y = xp.log(xp.sin(x) + 5) * 2 - x
    assert y.device == g
    want = np.log(np.sin(v) + 5).astype(np.float32) * 2 - v
    np.testing.assert_allclose(np.asarray(y), want, rtol=2e-6, atol=2e-6)
    s = xp.sum(x * x)
    assert s.device == g
    assert float(s) == pytest.approx(float(np.sum(v.astype(np.float64) ** 2)), rel=1e-6)
    # Creation on the GPU, *_like following the input, moving back.
    assert xp.zeros(3, device=g).device == g and xp.ones_like(x).device == g
    back = y.to_device("cpu")
    assert back.device == CPU
    np.testing.assert_array_equal(np.asarray(back), np.asarray(y))


@needs_gpu
def test_mixing_devices_is_an_error_naming_both_and_dlpack_exports_only_host_copies():
    g = GPUS[0]
    x = xp.asarray([1.0, 2.0], device=g)
    with pytest.raises(Exception, match=str(g)) as e:
        (x + xp.asarray([1.0, 2.0])).eval()
    assert "cpu" in str(e.value)
    with pytest.raises(BufferError):
        x.__dlpack__()
    with pytest.raises(BufferError):
        x.__dlpack__(dl_device=(1, 0), copy=False)
    np.testing.assert_array_equal(np.from_dlpack(x, device="cpu"), [1.0, 2.0])


def test_dlpack_exports_only_to_the_host():
    x = xp.asarray([1.0, 2.0])
    for bad in [(2, 0), (1, 1)]:
        with pytest.raises(BufferError):
            x.__dlpack__(dl_device=bad)
    np.testing.assert_array_equal(np.from_dlpack(x, device="cpu"), [1.0, 2.0])


class _GpuProducer:
    """Stands in for a CuPy or PyTorch GPU array: reports a CUDA device and
    hands out host data only when asked for it with dl_device."""

    def __init__(self, values):
        self.values, self.asked = values, None

    def __dlpack_device__(self):
        return (2, 0)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        self.asked = dl_device
        if dl_device != (1, 0):
            raise BufferError("device memory only")
        return self.values.__dlpack__(max_version=max_version)


def test_from_dlpack_asks_a_device_producer_for_a_host_copy():
    p = _GpuProducer(np.arange(4.0))
    a = xp.from_dlpack(p)
    assert p.asked == (1, 0)
    np.testing.assert_array_equal(np.asarray(a), np.arange(4.0))
    assert a.device == CPU
