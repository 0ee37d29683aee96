// Shared ground of the trajectory table functions (stops, resample, proximity): their input
// query yields (key, time, position) rows; Open() gathers them into one time-ordered track per
// key, lets the function compute its rows, and Next() hands them out in chunks.
#pragma once
#include <string>
#include <vector>

#include "exec/operator.h"

namespace yunhe {

struct TrackFix {
  int64_t ts;
  double x, y;
};

struct Track {
  Value key;
  std::vector<TrackFix> fixes;  // ascending ts (ties keep input order)
};

struct Tracks {
  int32_t srid = 0;
  bool lon_lat = true;        // SRID 0, 4326 or 4490: distances in geodesic metres
  std::vector<Track> tracks;  // ordered by key
};

// The position of a track between fixes i and i+1 at time t (linear in the coordinates, as
// MobilityDB's tgeompoint and PostGIS's ST_LineInterpolatePoint interpolate).
inline void InterpolateFix(const TrackFix& a, const TrackFix& b, int64_t t, double* x, double* y) {
  if (b.ts == a.ts) {
    *x = b.x, *y = b.y;
    return;
  }
  const double s = double(t - a.ts) / double(b.ts - a.ts);
  *x = a.x + (b.x - a.x) * s;
  *y = a.y + (b.y - a.y) * s;
}

class TrajectoryOperator : public PhysicalOperator {
 public:
  void Open(ExecContext& ctx) override;

 protected:
  // Collects output rows into chunks of kChunkRows.
  class RowSink {
   public:
    explicit RowSink(TrajectoryOperator* op) : op_(op) { chunk_.Init(op->types); }
    Vector& Column(size_t c) { return chunk_.columns[c]; }
    void EndRow();
    void Finish();

   private:
    TrajectoryOperator* op_;
    DataChunk chunk_;
  };

  TrajectoryOperator(OperatorPtr input, std::string function_name);
  virtual void Compute(const Tracks& tracks, RowSink& sink) = 0;
  bool Next(ExecContext& ctx, DataChunk& out) override;

  std::string function_name_;

 private:
  std::vector<DataChunk> out_;
  size_t next_ = 0;
};

// Output helpers shared by the functions.
Value PointValue(double x, double y, int32_t srid);
Value DurationValue(int64_t ns);  // as PostgreSQL's timestamp subtraction: whole days, then time

}  // namespace yunhe
