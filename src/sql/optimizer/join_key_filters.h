// Hash joins that drop the probe rows without a match offer the keys they built to their probe
// side: `key IN (hashed keys)` (exec/join_key_filter.h) is placed as deep below the probe side as
// the key can be followed — through projections, filters, the group keys of aggregates and the
// sides of joins that keep a row with its key — so the aggregates and joins down there work only
// on rows that can match. TPC-H Q17: the average quantity per part is computed for the 215 parts
// the join keeps, not for all 200,000 (6M lineitem rows aggregated -> 6,000). Only where the
// walk passes an aggregate or a join (a filter right under the join would repeat its probe),
// and only for builds estimated at under half the probe side's rows, not a whole table read
// unfiltered with about the probe side's keys (it holds every key). Runs after the build sides
// are chosen (build_side.h).
#pragma once
#include "exec/operator.h"

namespace yunhe {

void AddJoinKeyFilters(const OperatorPtr& plan);

}  // namespace yunhe
