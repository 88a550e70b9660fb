// Boost.Asio, Asio SSL and Beast compiled once for the service (BOOST_ASIO_SEPARATE_COMPILATION,
// BOOST_BEAST_SEPARATE_COMPILATION): the other translation units include only declarations.
#include <utility>  // before Boost 1.74: its awaitable.hpp needs std::exchange

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
