// Python values <-> the embedding API's values and columns (GIL held by the caller).
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "yunhe/yunhe.hpp"

namespace yunhe_py {

namespace py = pybind11;
using yunhe::api::Column;
using yunhe::api::Type;
using yunhe::api::Value;

// A parameter from the Python layer's (kind, payload[, type name]) tuple (python/yunhe/params.py).
Value ParamValue(const py::tuple& t);
// One cell as a Python object (int, float, str, bool, Decimal, datetime, date, time, timedelta,
// bytes, None), as psycopg2 gives them.
py::object CellObject(const Column& c, size_t row);
// A result column gathered chunk by chunk into buffers that become one NumPy array. Call with
// the GIL held (text-like values become Python objects as they come, without a copy between).
struct ColumnBuffer {
  Type type;
  bool numeric_as_decimal = false;  // numeric columns as Decimal objects (else float64)
  std::vector<int64_t> i64;      // integer, date, timestamp, time, interval (ns) kinds
  std::vector<double> f64;       // real, double, numeric as float64
  std::vector<std::string> str;  // numeric as text (numeric_as_decimal)
  std::vector<PyObject*> objs;   // text, bytea, geometry (bytes), array and other types' text (owned)
  std::vector<uint8_t> nulls;
  // Text values seen so far and their objects: a column of tags (hosts, symbols, devices) makes
  // one str per distinct value, not one per row. Bounded; past the bound values are made anew.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, PyObject*, Hash, std::equal_to<>> interned;
  PyObject* Text(std::string_view v, bool bytes);
  ColumnBuffer() = default;
  ColumnBuffer(const ColumnBuffer&) = delete;
  ColumnBuffer(ColumnBuffer&& o) noexcept = default;
  ~ColumnBuffer() {
    for (PyObject* o : objs) Py_XDECREF(o);
    for (auto& e : interned) Py_XDECREF(e.second);
  }
  bool any_null = false;
  // Rows [from, from + n) of c.
  void Append(const Column& c, size_t from, size_t n);
  // The numpy array (moving the buffer into it) and its NULL mask (None without NULLs).
  py::tuple Release();
};

}  // namespace yunhe_py
