// Roles and privileges as the catalog keeps them, in PostgreSQL's model: roles with attributes
// and memberships, an owner per object, and per object an access-control list of aclitems
// (grantee=privileges/grantor). The rules that read them are sql/privileges.h.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace yunhe {

// The superuser every database has (PostgreSQL's bootstrap role, OID 10). It owns what no
// other role was recorded as owning (everything made before roles meant something).
inline constexpr const char* kSuperuserRole = "yunhe";

// Privilege bits in PostgreSQL's order: aclitem text prints them as "arwdDxtXUCTc".
enum Privilege : uint32_t {
  kPrivInsert = 1u << 0,      // a
  kPrivSelect = 1u << 1,      // r
  kPrivUpdate = 1u << 2,      // w
  kPrivDelete = 1u << 3,      // d
  kPrivTruncate = 1u << 4,    // D
  kPrivReferences = 1u << 5,  // x
  kPrivTrigger = 1u << 6,     // t
  kPrivExecute = 1u << 7,     // X
  kPrivUsage = 1u << 8,       // U
  kPrivCreate = 1u << 9,      // C
  kPrivTemporary = 1u << 10,  // T
  kPrivConnect = 1u << 11,    // c
};
inline constexpr const char* kPrivilegeLetters = "arwdDxtXUCTc";
inline constexpr uint32_t kTablePrivileges = kPrivInsert | kPrivSelect | kPrivUpdate | kPrivDelete | kPrivTruncate | kPrivReferences | kPrivTrigger;
inline constexpr uint32_t kSequencePrivileges = kPrivSelect | kPrivUpdate | kPrivUsage;
inline constexpr uint32_t kSchemaPrivileges = kPrivUsage | kPrivCreate;
inline constexpr uint32_t kDatabasePrivileges = kPrivCreate | kPrivTemporary | kPrivConnect;

struct AclItem {
  std::string grantee;  // "" = PUBLIC
  uint32_t privileges = 0;
  uint32_t grant_options = 0;  // of `privileges`, those the grantee may grant on
  std::string grantor;
};
// Empty = the object's default privileges (PostgreSQL's NULL acl): see DefaultAcl.
using Acl = std::vector<AclItem>;

struct RoleInfo {
  std::string verifier;  // SCRAM-SHA-256 verifier; "" = no password
  bool superuser = false;
  bool inherit = true;
  bool createrole = false;
  bool createdb = false;
  bool login = false;
  int64_t connection_limit = -1;
  std::vector<std::string> member_of;  // roles granted to this one, in grant order
  std::vector<std::string> admin_of;   // of those, the ones granted WITH ADMIN OPTION
  uint32_t oid = 0;                    // 16384 + an id from the tables' counter, kept by the catalog file
};

// An API token (engine/api_tokens.h): who it authenticates as and the SHA-256 of its text.
struct ApiToken {
  std::string role;
  std::string digest;      // lowercase hex
  int64_t created_us = 0;  // Unix microseconds
};

}  // namespace yunhe
