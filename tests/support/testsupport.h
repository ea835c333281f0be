#pragma once

#include <QByteArray>
#include <QString>

// Small helpers the Qt Test programs share (linked into every tst_* by ecr_add_qtest).
namespace TestSupport {

// Writes `content` to `path`, creating missing folders; `executable` adds the owner's x bit.
bool writeFile(const QString &path, const QByteArray &content, bool executable = false);

// A loopback port nothing listens on: connections are refused at once.
quint16 closedPort();

// The inflated content of exactly one gzip member, with nothing after it; empty (and *ok
// false) for anything else. An oracle independent of the code under test: plain zlib.
QByteArray gunzip(const QByteArray &gz, bool *ok = nullptr);

} // namespace TestSupport
