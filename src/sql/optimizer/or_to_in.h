// `x = 1 OR x = 2 OR x = 3` is `x IN (1, 2, 3)` (by definition, NULLs included): one condition
// that index lookups (B-tree, primary key), zone maps and the estimator read as a whole. Applied
// to bound WHERE conjuncts, also inside AND/OR.
#pragma once
#include "exec/expr.h"

namespace yunhe {

ExprPtr OrEqualitiesToIn(const ExprPtr& e);

}  // namespace yunhe
