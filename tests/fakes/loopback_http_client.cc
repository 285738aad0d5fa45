#include "tests/fakes/loopback_http_client.h"

#include <httplib.h>

#include <string>

namespace linli::testing {

StatusOr<HttpResponse> LoopbackHttpClient::Send(const HttpClientRequest& request) {
  const std::string prefix = "http://";
  if (request.url.rfind(prefix, 0) != 0) return Status::InvalidArgument("not http");
  const size_t slash = request.url.find('/', prefix.size());
  const std::string host_port = request.url.substr(prefix.size(), slash - prefix.size());
  const std::string path = slash == std::string::npos ? "/" : request.url.substr(slash);
  httplib::Client client("http://" + host_port);
  client.set_tcp_nodelay(true);
  client.set_connection_timeout(request.timeout);
  client.set_read_timeout(request.timeout);
  client.set_write_timeout(request.timeout);
  httplib::Headers headers;
  for (const auto& [k, v] : request.headers) headers.emplace(k, v);
  auto res = request.method == "GET" ? client.Get(path, headers)
                                     : client.Post(path, headers, request.body, request.content_type);
  if (!res) {
    if (res.error() == httplib::Error::Read) return Status::DeadlineExceeded("read timed out");
    return Status::Unavailable(httplib::to_string(res.error()));
  }
  HttpResponse out;
  out.status = res->status;
  out.body = res->body;
  out.content_type = res->get_header_value("Content-Type");
  return out;
}

}  // namespace linli::testing
