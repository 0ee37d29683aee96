// The set-returning json functions as FROM items (and, through sql/srf_rewrite.h, in select
// lists): jsonb_array_elements[_text], jsonb_each[_text], jsonb_object_keys and their json_
// twins. The document is evaluated at Open() (it may read outer columns: LATERAL); rows are its
// elements or members in order (jsonb: keys in jsonb's order), values as json/jsonb or text.
#pragma once
#include <vector>

#include "exec/expr.h"
#include "exec/operator.h"

namespace yunhe {

class JsonRowsOperator : public PhysicalOperator {
 public:
  enum class Kind { kArrayElements, kEach, kObjectKeys };
  // as_text: values as text (the _text variants); column names from the caller (alias or default).
  JsonRowsOperator(ExprPtr document, Kind kind, bool as_text, std::vector<std::string> names, std::string function);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Function Scan"; }
  std::string Details() const override { return "on " + function_; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  ExprPtr document_;
  Kind kind_;
  bool as_text_;
  std::string function_;
  std::vector<std::vector<Value>> rows_;
  size_t next_ = 0;
};

}  // namespace yunhe
