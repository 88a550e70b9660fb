// The service's body encodings without a server: JSON error bodies and the Content-Type media
// type the transport and the HTTP fuzz target both derive.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "internal.hpp"

using namespace pqcea::service::detail;

// Regression (fuzz_http_api, fuzz/corpus/fuzz_http_api/crash-non-utf8-path): json_error quoted a
// path holding 0xFF, dump() threw type_error 316 out of Api::handle and the server went down.
TEST(ServiceEncoding, ErrorBodiesSurviveBytesThatAreNotUtf8) {
  Response r;
  ASSERT_NO_THROW(r = json_error(404, "not_found", std::string("no such endpoint: /v1/results\xff\xfe/x")));
  EXPECT_EQ(r.status, 404);
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["error"], "not_found");
  EXPECT_EQ(j["message"], "no such endpoint: /v1/results\xEF\xBF\xBD\xEF\xBF\xBD/x");  // U+FFFD each
}

TEST(ServiceEncoding, MediaTypeDropsParametersAndCase) {
  EXPECT_EQ(media_type("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(media_type("  application/cose \t"), "application/cose");
  EXPECT_EQ(media_type(""), "");
  EXPECT_EQ(media_type(";x"), "");
}
