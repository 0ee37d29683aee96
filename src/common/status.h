// Status and errors carrying a PostgreSQL SQLSTATE, message and 1-based cursor position.
//
// Inside the engine (sql/, exec/, functions/, storage/) an error is raised by throwing
// yunhe::Error; the public boundary (engine::Database::Execute and the shell) catches it and
// returns a Status. Keeping kernels free of per-value status checks is why: the throw costs
// nothing until an error happens. No exception ever leaves the Database API.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace yunhe {

// SQLSTATE codes we raise (PostgreSQL Appendix A).
namespace SqlState {
inline constexpr const char* kSuccess = "00000";
inline constexpr const char* kSyntaxError = "42601";
inline constexpr const char* kUndefinedTable = "42P01";
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kUndefinedFunction = "42883";
inline constexpr const char* kDuplicateFunction = "42723";
inline constexpr const char* kExternalRoutineException = "38000";
inline constexpr const char* kDuplicateTable = "42P07";
inline constexpr const char* kDuplicateColumn = "42701";
inline constexpr const char* kInvalidTableDefinition = "42P16";
inline constexpr const char* kDuplicateObject = "42710";
inline constexpr const char* kAmbiguousColumn = "42702";
inline constexpr const char* kDatatypeMismatch = "42804";
inline constexpr const char* kGroupingError = "42803";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kNumericValueOutOfRange = "22003";
inline constexpr const char* kDivisionByZero = "22012";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kDatetimeFieldOverflow = "22008";
inline constexpr const char* kInvalidDatetimeFormat = "22007";
inline constexpr const char* kStringDataRightTruncation = "22001";
inline constexpr const char* kCardinalityViolation = "21000";
inline constexpr const char* kNotNullViolation = "23502";
inline constexpr const char* kCheckViolation = "23514";
inline constexpr const char* kForeignKeyViolation = "23503";
inline constexpr const char* kInvalidForeignKey = "42830";
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kBadCopyFileFormat = "22P04";
inline constexpr const char* kCharacterNotInRepertoire = "22021";  // invalid UTF-8
inline constexpr const char* kInvalidTransactionState = "25000";
inline constexpr const char* kNoActiveTransaction = "25P01";
inline constexpr const char* kInFailedTransaction = "25P02";
inline constexpr const char* kActiveSqlTransaction = "25001";
inline constexpr const char* kReadOnlySqlTransaction = "25006";
inline constexpr const char* kSerializationFailure = "40001";
inline constexpr const char* kDeadlockDetected = "40P01";
inline constexpr const char* kInvalidSavepointSpecification = "3B001";
inline constexpr const char* kWrongObjectType = "42809";
inline constexpr const char* kIndeterminateDatatype = "42P18";
inline constexpr const char* kInvalidColumnReference = "42P10";
inline constexpr const char* kCannotCoerce = "42846";
inline constexpr const char* kWindowingError = "42P20";
inline constexpr const char* kInvalidArgumentForNtile = "22014";
inline constexpr const char* kNullValueNotAllowed = "22004";
inline constexpr const char* kDataCorrupted = "XX001";
inline constexpr const char* kIoError = "58030";
inline constexpr const char* kUndefinedFile = "58P01";
inline constexpr const char* kDuplicateFile = "58P02";
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kInsufficientResources = "53000";
inline constexpr const char* kDiskFull = "53100";
inline constexpr const char* kOutOfMemory = "53200";
inline constexpr const char* kInternalError = "XX000";
inline constexpr const char* kDependentObjects = "2BP01";
inline constexpr const char* kInvalidRecursion = "42P19";
inline constexpr const char* kObjectInUse = "55006";
inline constexpr const char* kProtocolViolation = "08P01";
inline constexpr const char* kInvalidSqlStatementName = "26000";
inline constexpr const char* kDuplicatePreparedStatement = "42P05";
inline constexpr const char* kInvalidCursorName = "34000";
inline constexpr const char* kDuplicateCursor = "42P03";
inline constexpr const char* kObjectNotInPrerequisiteState = "55000";
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kTooManyConnections = "53300";
inline constexpr const char* kInvalidPassword = "28P01";
inline constexpr const char* kConfigFileError = "F0000";
inline constexpr const char* kSystemError = "58000";
inline constexpr const char* kIdleInTransactionTimeout = "25P03";
inline constexpr const char* kInvalidArgumentForPowerFunction = "2201F";
inline constexpr const char* kInvalidArgumentForWidthBucket = "2201G";
inline constexpr const char* kInvalidBinaryRepresentation = "22P03";
inline constexpr const char* kInvalidArgumentForLog = "2201E";
inline constexpr const char* kInvalidPrecedingOrFollowingSize = "22013";
inline constexpr const char* kUnableToEstablishConnection = "08001";
inline constexpr const char* kInvalidSchemaName = "3F000";
inline constexpr const char* kUndefinedDatabase = "3D000";
inline constexpr const char* kInvalidGrantOperation = "0LP01";
inline constexpr const char* kInvalidAuthorization = "28000";
inline constexpr const char* kDuplicateSchema = "42P06";
inline constexpr const char* kInvalidName = "42602";
inline constexpr const char* kReservedName = "42939";
inline constexpr const char* kInvalidRowCountInResultOffsetClause = "2201X";
inline constexpr const char* kInvalidRowCountInLimitClause = "2201W";
inline constexpr const char* kInvalidRegularExpression = "2201B";
inline constexpr const char* kSubstringError = "22011";
inline constexpr const char* kInvalidEscapeSequence = "22025";
inline constexpr const char* kInvalidUseOfEscapeCharacter = "2200C";
inline constexpr const char* kConnectionFailure = "08006";
inline constexpr const char* kSequenceGeneratorLimitExceeded = "2200H";
inline constexpr const char* kGeneratedAlways = "428C9";
inline constexpr const char* kUntranslatableCharacter = "22P05";
inline constexpr const char* kArraySubscriptError = "2202E";
inline constexpr const char* kRaiseException = "P0001";
inline constexpr const char* kInvalidTablesampleArgument = "2202H";
inline constexpr const char* kInvalidTablesampleRepeat = "2202G";
inline constexpr const char* kSyntaxErrorOrAccessRuleViolation = "42000";
// The SQLSTATE for a failed file operation's errno, as PostgreSQL's errcode_for_file_access.
const char* ForFileAccess(int err);
}  // namespace SqlState

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string sqlstate, std::string message, int position = 0) {
    Status s;
    s.ok_ = false;
    s.sqlstate_ = std::move(sqlstate);
    s.message_ = std::move(message);
    s.position_ = position;
    return s;
  }
  bool ok() const { return ok_; }
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& message() const { return message_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }
  int position() const { return position_; }  // 1-based character offset in the SQL text, 0 = none
  Status& WithDetail(std::string d) { detail_ = std::move(d); return *this; }
  Status& WithHint(std::string h) { hint_ = std::move(h); return *this; }
  Status& WithPosition(int p) { position_ = p; return *this; }
  // The object an integrity error is about (PostgreSQL's error fields schema_name, table_name,
  // column_name, constraint_name: drivers read them, e.g. psycopg2's e.diag.constraint_name).
  Status& WithObject(std::string table, std::string column, std::string constraint, std::string schema = "public") {
    schema_ = std::move(schema);
    table_ = std::move(table);
    column_ = std::move(column);
    constraint_ = std::move(constraint);
    return *this;
  }
  const std::string& schema() const { return schema_; }
  const std::string& table() const { return table_; }
  const std::string& column() const { return column_; }
  const std::string& constraint() const { return constraint_; }

 private:
  bool ok_ = true;
  std::string sqlstate_ = SqlState::kSuccess;
  std::string message_;
  std::string detail_;
  std::string hint_;
  int position_ = 0;
  std::string schema_, table_, column_, constraint_;
};

// Thrown inside the engine, caught at the Database boundary.
class Error : public std::exception {
 public:
  explicit Error(Status s) : status_(std::move(s)) {}
  Error(const char* sqlstate, std::string message, int position = 0)
      : status_(Status::Error(sqlstate, std::move(message), position)) {}
  const char* what() const noexcept override { return status_.message().c_str(); }
  const Status& status() const { return status_; }
  Status& status() { return status_; }

 private:
  Status status_;
};

// YH_ASSERT: an invariant, checked in every build (cheap: a compare on a path that is not per
// row). YH_DEBUG_ASSERT: one too costly for a release build (a per-row check, a decode to
// verify an encode), checked in Debug and sanitizer builds (`make test SANITIZE=1`).
#define YH_ASSERT(cond)                                                                 \
  do {                                                                                  \
    if (!(cond))                                                                        \
      throw ::yunhe::Error(::yunhe::SqlState::kInternalError,                           \
                           std::string("internal error: assertion failed: ") + #cond + \
                               " at " + __FILE__ + ":" + std::to_string(__LINE__));     \
  } while (0)

#ifdef NDEBUG
#define YH_DEBUG_ASSERT(cond) \
  do {                        \
  } while (0)
#else
#define YH_DEBUG_ASSERT(cond) YH_ASSERT(cond)
#endif

}  // namespace yunhe
