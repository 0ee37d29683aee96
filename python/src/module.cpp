// _yunhe: the Python binding of the embedding API (python/yunhe wraps it in DB-API 2.0).
// Every call into the engine lets the GIL go: a statement may call Python functions (UDFs) on
// the engine's worker threads, which take it back for the call.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

#include "convert.h"

namespace yunhe_py {
namespace {

using namespace yunhe::api;

// Raises the Python layer's exception for an engine error (yunhe.exceptions.from_engine picks
// the PEP 249 class from the SQLSTATE).
void RaiseEngineError(const Error& e) {
  py::object make = py::module_::import("yunhe.exceptions").attr("from_engine");
  py::object exc = make(e.sqlstate(), e.what(), e.position(), e.fields().detail, e.fields().hint, e.fields().table,
                        e.fields().column, e.fields().constraint);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
}

struct PyResult {
  Result result;
  bool exhausted = false;
  Chunk chunk;          // the chunk rows are being handed out of
  size_t chunk_row = 0;

  bool NextChunk() {
    if (exhausted) return false;
    bool more;
    {
      py::gil_scoped_release nogil;
      more = result.Next(&chunk);
    }
    chunk_row = 0;
    if (!more) exhausted = true;
    return more;
  }
  // Up to n rows (n < 0: all) as tuples.
  py::list FetchRows(int64_t n) {
    py::list rows;
    while (n < 0 || int64_t(rows.size()) < n) {
      if (exhausted) break;
      if (chunk_row >= chunk.size() && !NextChunk()) break;
      const size_t ncols = chunk.column_count();
      std::vector<Column> cols;
      for (size_t k = 0; k < ncols; ++k) cols.push_back(chunk.column(k));
      for (; chunk_row < chunk.size() && (n < 0 || int64_t(rows.size()) < n); ++chunk_row) {
        py::tuple row(ncols);
        for (size_t k = 0; k < ncols; ++k) row[k] = CellObject(cols[k], chunk_row);
        rows.append(row);
      }
    }
    return rows;
  }
  // The remaining rows column by column: [(data, mask or None)] per column.
  py::list FetchColumns(bool numeric_as_decimal) {
    std::vector<ColumnBuffer> buffers(result.types().size());
    for (size_t k = 0; k < buffers.size(); ++k) {
      buffers[k].type = result.types()[k];
      buffers[k].numeric_as_decimal = numeric_as_decimal;
    }
    auto take = [&](size_t from) {
      const size_t n = chunk.size() - from;
      if (n == 0) return;
      for (size_t k = 0; k < buffers.size(); ++k) {
        // A chunk partly handed out by fetchone: only its rest.
        buffers[k].Append(chunk.column(k), from, n);
      }
    };
    // The engine makes each chunk without the GIL (a Python UDF in the statement takes it on
    // the engine's threads); the chunk then goes into the buffers with it.
    if (!exhausted) {
      if (chunk_row < chunk.size()) take(chunk_row);
      chunk_row = chunk.size();
      while (NextChunk()) take(0);
      chunk_row = 0;
    }
    py::list out;
    for (auto& b : buffers) out.append(b.Release());
    return out;
  }
};

// A Python function as a ScalarFunctionBody: arguments as NumPy arrays, the result back. A
// strict function is called with the rows where no argument is NULL only (none: not called).
ScalarFunctionBody PythonBody(py::function fn, Type returns, bool strict) {
  // The function goes when the database does: maybe on another thread, maybe at exit.
  auto holder = std::shared_ptr<py::function>(new py::function(std::move(fn)), [](py::function* f) {
    if (Py_IsInitialized() && !_Py_IsFinalizing()) {
      py::gil_scoped_acquire gil;
      delete f;
    } else {
      f->release();  // Python is gone or going: its objects with it
      delete f;
    }
  });
  return [holder, returns, strict](const std::vector<Column>& args, size_t count, MutableColumn& out) {
    // The rows the function sees.
    std::vector<size_t> rows;
    bool all = true;
    if (strict) {
      for (size_t r = 0; r < count; ++r) {
        bool null = false;
        for (const Column& a : args) null |= a.IsNull(r);
        if (!null) rows.push_back(r);
      }
      all = rows.size() == count;
      if (rows.empty()) return;
    }
    const size_t n = all ? count : rows.size();
    py::gil_scoped_acquire gil;
    try {
      py::tuple arrays(args.size());
      py::object index = py::none();
      if (!all) {
        py::array_t<int64_t> sel(py::ssize_t(rows.size()));
        for (size_t k = 0; k < rows.size(); ++k) sel.mutable_data()[k] = int64_t(rows[k]);
        index = sel;
      }
      for (size_t k = 0; k < args.size(); ++k) {
        ColumnBuffer b;
        b.type = args[k].type();
        b.Append(args[k], 0, count);
        py::tuple released = b.Release();
        py::object a = released[0];
        // A non-strict function sees NULLs: as None in object arrays, masked in the others.
        if (!strict && !released[1].is_none() && a.attr("dtype").attr("kind").cast<std::string>() != "O")
          a = py::module_::import("numpy").attr("ma").attr("MaskedArray")(a, py::arg("mask") = released[1]);
        arrays[k] = all ? a : a.attr("__getitem__")(index);
      }
      py::object r = (*holder)(*arrays);
      py::tuple t = py::module_::import("yunhe.udf").attr("result_values")(r, n, TypeName(returns)).cast<py::tuple>();
      // (kind, values, nulls) as yunhe.udf.result_values makes it; row j of them is out's row at(j).
      auto at = [&](size_t j) { return all ? j : rows[j]; };
      const std::string kind = t[0].cast<std::string>();
      auto nulls = t[2].cast<py::array_t<uint8_t, py::array::c_style | py::array::forcecast>>();
      if (kind == "i") {
        auto a = t[1].cast<py::array_t<int64_t, py::array::c_style | py::array::forcecast>>();
        int64_t* o = out.int64s();
        for (size_t j = 0; j < n; ++j) o[at(j)] = a.data()[j];
      } else if (kind == "f") {
        auto a = t[1].cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
        if (returns == Type::kReal || returns == Type::kDouble) {
          double* o = out.doubles();
          for (size_t j = 0; j < n; ++j) o[at(j)] = a.data()[j];
        } else {
          for (size_t j = 0; j < n; ++j)
            if (!nulls.data()[j]) out.Set(at(j), Value::Double(a.data()[j]));
        }
      } else {
        py::list items = t[1].cast<py::list>();
        for (size_t j = 0; j < n; ++j)
          if (!nulls.data()[j]) out.Set(at(j), Value::Text(items[j].cast<std::string>()));
      }
      for (size_t j = 0; j < n; ++j) out.SetNull(at(j), nulls.data()[j] != 0);
    } catch (py::error_already_set& e) {
      // The Python error as the statement's error: "ValueError: ..." with the traceback as detail.
      std::string what = e.what();
      const size_t at = what.find("\n\nAt:\n");
      Error::Fields f;
      if (at != std::string::npos) {
        f.detail = "Python traceback (most recent call first):\n" + what.substr(at + 6);
        what.resize(at);
      }
      throw Error("38000", what, 0, f);
    } catch (const py::cast_error& e) {
      throw Error("38000", std::string("the function's result cannot be converted: ") + e.what());
    }
  };
}

// Columns from the Python layer, [(kind, values, nulls or None)] (kind 'i' int64 array, 'f' float64
// array, 's' a list of str/bytes/None), as ColumnData; it keeps the arrays alive (no copy of
// numeric ones) and owns copies of the strings. Made with the GIL; may be dropped without it.
struct PyColumns {
  std::vector<ColumnData> columns;
  std::vector<py::object> arrays;
  std::vector<std::vector<std::string>> strings;
  std::vector<std::vector<std::string_view>> views;

  PyColumns(py::list list, size_t rows) : columns(list.size()), strings(list.size()), views(list.size()) {
    for (size_t k = 0; k < list.size(); ++k) {
      py::tuple t = list[k].cast<py::tuple>();
      const std::string kind = t[0].cast<std::string>();
      if (!t[2].is_none()) {
        auto n = t[2].cast<py::array_t<uint8_t, py::array::c_style | py::array::forcecast>>();
        if (size_t(n.size()) != rows) throw py::value_error("a NULL mask's length differs from the row count");
        arrays.push_back(n);
        columns[k].nulls = n.data();
      }
      if (kind == "i" || kind == "f") {
        py::array a = kind == "i" ? py::array(t[1].cast<py::array_t<int64_t, py::array::c_style | py::array::forcecast>>())
                                  : py::array(t[1].cast<py::array_t<double, py::array::c_style | py::array::forcecast>>());
        if (size_t(a.size()) != rows) throw py::value_error("a column's length differs from the row count");
        arrays.push_back(a);
        if (kind == "i") columns[k].int64s = static_cast<const int64_t*>(a.data());
        else columns[k].doubles = static_cast<const double*>(a.data());
      } else {
        py::list items = t[1].cast<py::list>();
        if (size_t(items.size()) != rows) throw py::value_error("a column's length differs from the row count");
        strings[k].resize(rows);
        for (size_t r = 0; r < rows; ++r) {
          py::handle h = items[r];
          if (h.is_none()) continue;
          strings[k][r] = PyBytes_Check(h.ptr()) ? h.cast<std::string>() : py::str(h).cast<std::string>();
        }
        views[k].assign(strings[k].begin(), strings[k].end());
        columns[k].texts = views[k].data();
      }
    }
  }
  ~PyColumns() {
    // The last reference may go on an engine thread (a statement that read the relation), or at
    // interpreter exit: take the GIL when Python still runs, else leave the arrays to the exit.
    if (Py_IsInitialized() && !_Py_IsFinalizing()) {
      py::gil_scoped_acquire gil;
      arrays.clear();
    } else {
      for (auto& a : arrays) a.release();
    }
  }
};

}  // namespace
}  // namespace yunhe_py

PYBIND11_MODULE(_yunhe, m) {
  using namespace yunhe_py;
  using namespace yunhe::api;
  m.doc() = "yunhe's engine, embedded (use the yunhe package: DB-API 2.0 over this)";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      RaiseEngineError(e);
    }
  });

  m.def("type_from_name", [](const std::string& name) { return std::string(TypeName(TypeFromName(name))); });

  py::class_<Database, std::shared_ptr<Database>>(m, "Database")
      .def(py::init([](const std::string& path, const std::string& memory_limit) {
             Database::Config c;
             c.memory_limit = memory_limit;
             py::gil_scoped_release nogil;
             return std::make_shared<Database>(path, c);
           }),
           py::arg("path") = ":memory:", py::arg("memory_limit") = "")
      .def("checkpoint", &Database::Checkpoint, py::call_guard<py::gil_scoped_release>());

  py::class_<PyResult, std::shared_ptr<PyResult>>(m, "Result")
      .def_property_readonly("names", [](PyResult& r) { return r.result.names(); })
      .def_property_readonly("type_names",
                             [](PyResult& r) {
                               std::vector<std::string> t;
                               for (Type x : r.result.types()) t.push_back(TypeName(x));
                               return t;
                             })
      .def_property_readonly("returns_rows", [](PyResult& r) { return r.result.returns_rows(); })
      .def_property_readonly("tag", [](PyResult& r) { return r.result.tag(); })
      .def_property_readonly("rows_affected", [](PyResult& r) { return r.result.rows_affected(); })
      .def_property_readonly("notices", [](PyResult& r) { return r.result.notices(); })
      .def_property_readonly("exhausted", [](PyResult& r) { return r.exhausted; })
      .def("fetch_rows", &PyResult::FetchRows, py::arg("n") = -1)
      .def("fetch_columns", &PyResult::FetchColumns, py::arg("numeric_as_decimal") = false)
      .def("close", [](PyResult& r) {
        py::gil_scoped_release nogil;
        r.result = Result();
        r.exhausted = true;
      });

  py::class_<Connection, std::shared_ptr<Connection>>(m, "Connection")
      .def(py::init([](std::shared_ptr<Database> db) {
             py::gil_scoped_release nogil;
             return std::make_shared<Connection>(*db);
           }),
           py::keep_alive<1, 2>())
      .def("query",
           [](Connection& c, const std::string& sql, py::object params) {
             auto r = std::make_shared<PyResult>();
             if (params.is_none()) {
               py::gil_scoped_release nogil;
               r->result = c.Query(sql);
             } else {
               std::vector<Value> values;
               for (py::handle p : params) values.push_back(ParamValue(p.cast<py::tuple>()));
               py::gil_scoped_release nogil;
               r->result = c.Query(sql, values);
             }
             r->exhausted = !r->result.returns_rows();
             // The first chunk now: errors of most statements (those of any sort, aggregate or
             // function over the first rows) surface at execute, as psycopg2 users expect.
             r->NextChunk();
             return r;
           },
           py::arg("sql"), py::arg("params") = py::none())
      .def_property_readonly("in_transaction", &Connection::in_transaction)
      // Ends the session without the GIL (its rollback takes the database, which a statement
      // calling a Python function may hold while it waits for the GIL). Unusable afterwards.
      .def("close",
           [](Connection& c) {
             py::gil_scoped_release nogil;
             Connection gone(std::move(c));
           })
      .def("create_function",
           [](Connection& c, const std::string& name, py::function fn, const std::vector<std::string>& args,
              const std::string& returns, bool strict, bool is_volatile) {
             std::vector<Type> types;
             for (auto& a : args) types.push_back(TypeFromName(a));
             const Type ret = TypeFromName(returns);
             FunctionOptions o;
             o.strict = strict;
             o.is_volatile = is_volatile;
             ScalarFunctionBody body = PythonBody(std::move(fn), ret, strict);
             py::gil_scoped_release nogil;
             c.CreateFunction(name, types, ret, std::move(body), o);
           },
           py::arg("name"), py::arg("fn"), py::arg("args"), py::arg("returns"), py::arg("strict") = true,
           py::arg("is_volatile") = false)
      .def("remove_function", &Connection::RemoveFunction, py::call_guard<py::gil_scoped_release>())
      .def("table_columns",
           [](Connection& c, const std::string& table) {
             std::vector<std::pair<std::string, std::string>> cols;
             // Without the GIL: the appender takes the database, which a statement calling a
             // Python function may hold while it waits for the GIL.
             py::gil_scoped_release nogil;
             Appender a(c, table);
             for (size_t k = 0; k < a.names().size(); ++k) cols.emplace_back(a.names()[k], TypeName(a.types()[k]));
             return cols;
           })
      .def("append_columns",
           [](Connection& c, const std::string& table, py::list columns, size_t rows) {
             auto data = std::make_shared<PyColumns>(columns, rows);
             py::gil_scoped_release nogil;
             Appender a(c, table);
             a.AppendColumns(data->columns, rows);
             a.Close();
             return rows;
           })
      .def("append_rows",
           [](Connection& c, const std::string& table, py::list rows) {
             // Rows of (kind, payload) parameter tuples, one per column, through an Appender.
             std::vector<std::vector<Value>> values(rows.size());
             for (size_t r = 0; r < rows.size(); ++r)
               for (py::handle p : rows[r]) values[r].push_back(ParamValue(p.cast<py::tuple>()));
             py::gil_scoped_release nogil;
             Appender a(c, table);
             for (const auto& row : values) {
               for (const Value& v : row) a.Append(v);
               a.EndRow();
             }
             a.Close();
             return values.size();
           })
      .def("register_columns",
           [](Connection& c, const std::string& name, const std::vector<std::string>& names,
              const std::vector<std::string>& types, py::list columns, size_t rows) {
             RelationSource src;
             src.names = names;
             for (auto& t : types) src.types.push_back(TypeFromName(t));
             auto data = std::make_shared<PyColumns>(columns, rows);
             src.columns = data->columns;
             src.rows = rows;
             src.keep_alive = data;
             py::gil_scoped_release nogil;
             c.RegisterRelation(name, std::move(src));
           })
      .def("unregister", &Connection::UnregisterRelation, py::call_guard<py::gil_scoped_release>());}
