// Conversions between Python objects and the embedding API (python/src/convert.h).
#include "convert.h"

#include <cstring>

namespace yunhe_py {

namespace {

constexpr int64_t kNsPerUs = 1000;
constexpr int64_t kNsPerDay = 86400LL * 1000000000LL;

py::module_& Datetime() {
  static py::module_ m = py::module_::import("datetime");
  return m;
}

// floor division for negative times (before 1970)
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

py::object Timestamp(int64_t ns, bool utc) {
  // datetime(1970,1,1) + timedelta(microseconds): exact for the whole range datetime has.
  static py::object epoch_naive = Datetime().attr("datetime")(1970, 1, 1);
  static py::object epoch_utc = Datetime().attr("datetime")(1970, 1, 1, 0, 0, 0, 0, Datetime().attr("timezone").attr("utc"));
  const int64_t us = FloorDiv(ns, kNsPerUs);
  py::object delta = Datetime().attr("timedelta")(py::arg("microseconds") = us);
  return (utc ? epoch_utc : epoch_naive).attr("__add__")(delta);
}

template <typename T>
py::array Own(std::vector<T>&& v, const char* dtype = nullptr) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  py::array a(py::dtype::of<T>(), {heap->size()}, {sizeof(T)}, heap->data(), owner);
  if (dtype) return a.attr("view")(dtype);
  return a;
}

}  // namespace

Value ParamValue(const py::tuple& t) {
  const std::string kind = py::str(t[0]);
  if (kind == "n") return Value::Null();
  if (kind == "b") return Value::Bool(t[1].cast<bool>());
  if (kind == "i") return Value::Int(t[1].cast<int64_t>());
  if (kind == "f") return Value::Double(t[1].cast<double>());
  if (kind == "s") return Value::Text(t[1].cast<std::string>());
  if (kind == "y") return Value::Bytes(t[1].cast<std::string>());
  if (kind == "T") return Value::TimestampTz(t[1].cast<int64_t>());
  if (kind == "t") return Value::Timestamp(t[1].cast<int64_t>());
  if (kind == "d") return Value::Date(t[1].cast<int64_t>());
  if (kind == "x") return Value::Typed(yunhe::api::TypeFromName(t[2].cast<std::string>()), t[1].cast<std::string>());
  throw py::value_error("unknown parameter kind " + kind);
}

py::object CellObject(const Column& c, size_t row) {
  if (c.IsNull(row)) return py::none();
  switch (c.type()) {
    case Type::kBool: return py::bool_(c.int64s()[row] != 0);
    case Type::kSmallInt:
    case Type::kInteger:
    case Type::kBigInt: return py::int_(c.int64s()[row]);
    case Type::kReal:
    case Type::kDouble: return py::float_(c.doubles()[row]);
    case Type::kNumeric: {
      static py::object decimal = py::module_::import("decimal").attr("Decimal");
      return decimal(c.ToString(row));
    }
    case Type::kText:
    case Type::kArray: {
      std::string_view s = c.text(row);
      return py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(s.data(), Py_ssize_t(s.size()), "replace"));
    }
    case Type::kBytea: {
      std::string_view s = c.text(row);
      return py::bytes(s.data(), s.size());
    }
    case Type::kGeometry: return py::str(c.ToString(row));  // hex EWKB, as PostGIS sends it
    case Type::kDate: {
      static py::object epoch = Datetime().attr("date")(1970, 1, 1);
      return epoch.attr("__add__")(Datetime().attr("timedelta")(py::arg("days") = c.int64s()[row]));
    }
    case Type::kTimestamp: return Timestamp(c.int64s()[row], false);
    case Type::kTimestampTz: return Timestamp(c.int64s()[row], true);
    case Type::kTime: {
      int64_t us = c.int64s()[row] / kNsPerUs;
      if (us >= 86400LL * 1000000) return py::str(c.ToString(row));  // 24:00:00 has no datetime.time
      return Datetime().attr("time")(us / 3600000000LL, us / 60000000 % 60, us / 1000000 % 60, us % 1000000);
    }
    case Type::kInterval: {
      // As psycopg2: months count 30 days.
      const yunhe::api::Interval iv = c.interval(row);
      return Datetime().attr("timedelta")(py::arg("days") = int64_t(iv.months) * 30 + iv.days,
                                          py::arg("microseconds") = FloorDiv(iv.ns, kNsPerUs));
    }
    default: return py::str(c.ToString(row));
  }
}

PyObject* ColumnBuffer::Text(std::string_view v, bool bytes) {
  constexpr size_t kMaxInterned = 1 << 16;
  constexpr size_t kMaxInternedLength = 64;
  if (v.size() <= kMaxInternedLength) {
    auto it = interned.find(v);
    if (it != interned.end()) {
      Py_INCREF(it->second);
      return it->second;
    }
  }
  PyObject* o = bytes ? PyBytes_FromStringAndSize(v.data(), Py_ssize_t(v.size()))
                      : PyUnicode_DecodeUTF8(v.data(), Py_ssize_t(v.size()), "replace");
  if (!o) throw py::error_already_set();
  if (v.size() <= kMaxInternedLength && interned.size() < kMaxInterned) {
    Py_INCREF(o);
    interned.emplace(std::string(v), o);
  }
  return o;
}

void ColumnBuffer::Append(const Column& c, size_t from, size_t n) {
  const size_t at = nulls.size();
  nulls.resize(at + n);
  std::memcpy(nulls.data() + at, c.nulls() + from, n);
  if (!any_null && std::memchr(c.nulls() + from, 1, n)) any_null = true;
  const size_t end = from + n;
  switch (type) {
    case Type::kBool:
    case Type::kSmallInt:
    case Type::kInteger:
    case Type::kBigInt:
    case Type::kDate:
    case Type::kTimestamp:
    case Type::kTimestampTz:
    case Type::kTime: i64.insert(i64.end(), c.int64s() + from, c.int64s() + end); break;
    case Type::kReal:
    case Type::kDouble: f64.insert(f64.end(), c.doubles() + from, c.doubles() + end); break;
    case Type::kInterval:  // as timedelta64[ns], months as 30 days (as psycopg2's timedelta)
      for (size_t r = from; r < end; ++r) {
        const yunhe::api::Interval iv = c.interval(r);
        i64.push_back((int64_t(iv.months) * 30 + iv.days) * kNsPerDay + iv.ns);
      }
      break;
    case Type::kNumeric:
      for (size_t r = from; r < end; ++r) {
        // A NULL's slot holds a placeholder (empty text, 0.0); the null mask says it is NULL.
        if (numeric_as_decimal) str.push_back(c.IsNull(r) ? std::string() : c.ToString(r));
        else f64.push_back(c.IsNull(r) ? 0 : c.ToDouble(r));
      }
      break;
    case Type::kText:
    case Type::kArray:
    case Type::kBytea:
    case Type::kGeometry: {
      const bool bytes = type == Type::kBytea || type == Type::kGeometry;
      for (size_t r = from; r < end; ++r) {
        if (c.IsNull(r)) {
          Py_INCREF(Py_None);
          objs.push_back(Py_None);
          continue;
        }
        objs.push_back(Text(c.text(r), bytes));
      }
      break;
    }
    default:
      for (size_t r = from; r < end; ++r) {
        if (c.IsNull(r)) {
          Py_INCREF(Py_None);
          objs.push_back(Py_None);
          continue;
        }
        const std::string v = c.ToString(r);
        PyObject* o = PyUnicode_DecodeUTF8(v.data(), Py_ssize_t(v.size()), "replace");
        if (!o) throw py::error_already_set();
        objs.push_back(o);
      }
      break;
  }
}

py::tuple ColumnBuffer::Release() {
  py::object mask = py::none();
  if (any_null) mask = Own(std::vector<uint8_t>(nulls), "bool");
  py::object data;
  switch (type) {
    case Type::kBool: {
      std::vector<uint8_t> b(i64.size());
      for (size_t k = 0; k < b.size(); ++k) b[k] = i64[k] != 0;
      data = Own(std::move(b), "bool");
      break;
    }
    case Type::kSmallInt: data = Own(std::move(i64)).attr("astype")("int16"); break;
    case Type::kInteger: data = Own(std::move(i64)).attr("astype")("int32"); break;
    case Type::kBigInt: data = Own(std::move(i64)); break;
    case Type::kDate: data = Own(std::move(i64), "datetime64[D]"); break;
    case Type::kTimestamp:
    case Type::kTimestampTz: data = Own(std::move(i64), "datetime64[ns]"); break;
    case Type::kTime:
    case Type::kInterval: data = Own(std::move(i64), "timedelta64[ns]"); break;
    case Type::kReal: data = Own(std::move(f64)).attr("astype")("float32"); break;
    case Type::kDouble: data = Own(std::move(f64)); break;
    case Type::kNumeric:
      if (!numeric_as_decimal) {
        data = Own(std::move(f64));
        break;
      }
      [[fallthrough]];
    default: {
      // Object columns: the Python objects made while gathering (numeric: Decimals now).
      const size_t n = type == Type::kNumeric ? str.size() : objs.size();
      py::array out(py::dtype("object"), std::vector<py::ssize_t>{py::ssize_t(n)});
      auto* cells = static_cast<PyObject**>(out.mutable_data());
      if (type == Type::kNumeric) {
        py::object decimal = py::module_::import("decimal").attr("Decimal");
        for (size_t k = 0; k < n; ++k) {
          py::object o = nulls[k] ? py::none() : decimal(str[k]);
          Py_XDECREF(cells[k]);
          cells[k] = o.release().ptr();
        }
      } else {
        for (size_t k = 0; k < n; ++k) {
          Py_XDECREF(cells[k]);
          cells[k] = objs[k];  // the reference moves into the array
        }
        objs.clear();
      }
      data = out;
      break;
    }
  }
  return py::make_tuple(data, mask);
}

}  // namespace yunhe_py
