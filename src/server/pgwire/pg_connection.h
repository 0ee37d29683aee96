// One client connection of the PostgreSQL protocol server: a protocol codec over an engine
// Session. The jobs live in files of their own:
//   pg_startup.cpp         SSL/GSS negotiation, CancelRequest, the startup packet, SCRAM or trust
//                          authentication, ParameterStatus and BackendKeyData;
//   pg_simple_query.cpp    Query messages, COPY FROM STDIN data, COPY TO STDOUT;
//   pg_extended_query.cpp  Parse, Bind, Describe, Execute, Close;
//   pg_connection.cpp      the message loop, idle-in-transaction timeouts, streaming rows out.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/session.h"
#include "server/pgwire/pg_messages.h"

namespace yunhe::pgwire {

class Server;

class Connection {
 public:
  Connection(Server& server, int fd, int32_t backend_pid);
  ~Connection();
  // Runs the connection to its end (the client left, a FATAL error, the server stopping).
  // over_limit: refused with 53300 once the startup packet is read.
  void Run(bool over_limit);

 private:
  struct Portal {
    std::string sql;                    // with the parameters in place
    std::shared_ptr<ParsedSql> parsed;  // parsed once, at Bind
    std::vector<int16_t> formats;
  };

  // pg_startup.cpp: false ends the connection.
  bool Startup(bool over_limit);
  bool Authenticate(const std::string& user);
  // pg_simple_query.cpp: false when the client is gone.
  bool SimpleQuery(const std::string& sql);
  // COPY FROM STDIN: the next piece of the client's CopyData (false once CopyDone came). Throws
  // 57014 on CopyFail, 08P01 on another message, 08006 when the client is gone (copy->gone).
  struct CopyIn {
    bool done = false, gone = false;
  };
  bool ReadCopyPiece(CopyIn* copy, std::string* piece);
  // Runs one statement, feeding a COPY FROM STDIN the client's CopyData; false: the client left.
  bool RunStatement(const Session::Statement& st, ResultStream* rs);
  // CopyOutResponse, the data and CopyDone of a COPY TO STDOUT (nothing for other results).
  void AppendCopyOut(const QueryResult& r);
  // pg_extended_query.cpp: throws Error for an ErrorResponse; false when the client is gone.
  bool Extended(const Message& msg);
  bool ExecutePortal(const Portal& portal);
  // pg_connection.cpp
  // Sends `o` once everything this session committed is durable (group commit).
  bool Send(const std::string& o);
  // Rows of a result as DataRow messages into out_, sent on whenever a good amount has piled
  // up (a large result never sits in memory whole). False: the client is gone.
  bool StreamRows(ResultStream& rows, const std::vector<int16_t>& formats);
  void AppendReady();
  void AppendNotifications();
  // Before reading the next message of an idle session that listens: sends notifications as
  // they arrive. False when the client went away (or the server stops).
  bool WaitForClientOrNotification();

  Server& server_;
  Conn conn_;
  int32_t backend_pid_;
  std::unique_ptr<Session> session_;  // from authentication on
  std::string out_;                   // the answer being built
  Message m_;
  std::map<std::string, Portal> portals_;
  std::string user_ = "yunhe";        // as the startup packet names it
  std::string login_role_ = "yunhe";  // the role the session runs as (Authenticate)
  bool login_superuser_ = false;      // is login_role_ a superuser (is_superuser, no limit)
  int64_t login_connection_limit_ = -1;  // its CONNECTION LIMIT
  bool counted_role_ = false;         // counted in Server::EnterRole: leave at the end
};

}  // namespace yunhe::pgwire
