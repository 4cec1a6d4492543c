// In a program linked with libhardalloc.so, glibc's extensions (<malloc.h>) are hardalloc's:
// mallinfo2 and mallinfo agree with ha_stats, malloc_info prints well-formed XML in the shape of
// glibc's own, malloc_stats writes hardalloc's statistics to stderr, malloc_trim and mallopt
// answer as glibc documents.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <malloc.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "opaque.h"
#include "stats_snapshot.h"

namespace {

using hardalloc_test::current_stats;
using hardalloc_test::opaque;

constexpr std::size_t MIB = std::size_t{1} << 20;

// mallinfo2's fields that hardalloc fills, against one ha_stats read with nothing in between.
void expect_mallinfo2_matches(const struct mallinfo2& info, const ha_stats& stats) {
  EXPECT_EQ(info.hblks, stats.huge_blocks);
  EXPECT_EQ(info.hblkhd, stats.huge_bytes);
  EXPECT_EQ(info.uordblks + info.hblkhd, stats.in_use_bytes);
  EXPECT_EQ(info.arena + info.hblkhd, stats.committed_bytes);
  EXPECT_EQ(info.fordblks, info.arena - info.uordblks);
  EXPECT_EQ(info.ordblks, 0u);
  EXPECT_EQ(info.smblks, 0u);
  EXPECT_EQ(info.fsmblks, 0u);
  EXPECT_EQ(info.usmblks, 0u);
  EXPECT_EQ(info.keepcost, 0u);
}

TEST(GlibcExtensions, Mallinfo2AgreesWithHaStats) {
  std::vector<void*> blocks;
  for (std::size_t size_bytes : {std::size_t{100}, std::size_t{5000}, std::size_t{200000}, 8 * MIB}) {
    blocks.push_back(std::malloc(opaque(size_bytes)));
    ASSERT_NE(blocks.back(), nullptr);
    expect_mallinfo2_matches(mallinfo2(), current_stats());
  }
  const struct mallinfo2 during = mallinfo2();
  // Blocks above 1 MiB are huge (a mapping each); 200000 bytes is a large block in a shared page.
  EXPECT_GE(during.hblkhd, 8 * MIB);
  EXPECT_EQ(during.hblks, 1u);
  EXPECT_GE(during.uordblks, 205100u);
  for (void* block : blocks) {
    std::free(block);
  }
  const struct mallinfo2 after = mallinfo2();
  expect_mallinfo2_matches(after, current_stats());
  EXPECT_LE(after.hblkhd + 8 * MIB, during.hblkhd);
}

TEST(GlibcExtensions, MallinfoSaturatesIntFields) {
  // 3 GiB of address space, never touched: counted as committed, yet not resident.
  void* huge = std::malloc(opaque(std::size_t{3} << 30));
  ASSERT_NE(huge, nullptr);
  const struct mallinfo2 wide = mallinfo2();
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  const struct mallinfo narrow = mallinfo();
#pragma GCC diagnostic pop
  std::free(huge);
  EXPECT_GE(wide.hblkhd, std::size_t{3} << 30);
  EXPECT_EQ(narrow.hblkhd, INT_MAX);
  EXPECT_EQ(narrow.hblks, static_cast<int>(wide.hblks));
  EXPECT_EQ(narrow.uordblks, static_cast<int>(wide.uordblks));
}

// malloc_info's output captured through a memory stream (which allocates: fine, malloc_info
// has read its figures before it writes).
std::string malloc_info_text(int (*info)(int, FILE*)) {
  char* buffer = nullptr;
  std::size_t length = 0;
  FILE* stream = open_memstream(&buffer, &length);
  EXPECT_NE(stream, nullptr);
  EXPECT_EQ(info(0, stream), 0);
  std::fclose(stream);
  std::string text(buffer, length);
  std::free(buffer);
  return text;
}

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  bool closing = false;
  bool empty = false;  // <name .../>
};

// A strict reader for the XML subset malloc_info writes: elements with quoted attributes and
// whitespace between them, no text. Fails the test on anything else, and on unbalanced tags.
std::vector<Element> parse_xml(const std::string& text) {
  std::vector<Element> elements;
  std::vector<std::string> open;
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  };
  const auto read_name = [&] {
    const std::size_t start = at;
    while (at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '_')) ++at;
    return text.substr(start, at - start);
  };
  for (skip_space(); at < text.size(); skip_space()) {
    if (text[at] != '<') {
      ADD_FAILURE() << "text outside a tag at offset " << at;
      return {};
    }
    ++at;
    Element element;
    element.closing = at < text.size() && text[at] == '/';
    at += element.closing;
    element.name = read_name();
    if (element.name.empty()) {
      ADD_FAILURE() << "tag without a name at offset " << at;
      return {};
    }
    for (skip_space(); at < text.size() && text[at] != '>' && text[at] != '/'; skip_space()) {
      std::string attribute = read_name();
      if (attribute.empty() || at + 1 >= text.size() || text[at] != '=' || text[at + 1] != '"') {
        ADD_FAILURE() << "malformed attribute in <" << element.name << "> at offset " << at;
        return {};
      }
      at += 2;
      const std::size_t end = text.find('"', at);
      if (end == std::string::npos) {
        ADD_FAILURE() << "unterminated attribute value";
        return {};
      }
      element.attributes.emplace_back(attribute, text.substr(at, end - at));
      at = end + 1;
    }
    element.empty = at < text.size() && text[at] == '/';
    at += element.empty;
    if (at >= text.size() || text[at] != '>' || (element.closing && (element.empty || !element.attributes.empty()))) {
      ADD_FAILURE() << "malformed tag <" << element.name << ">";
      return {};
    }
    ++at;
    if (element.closing) {
      if (open.empty() || open.back() != element.name) {
        ADD_FAILURE() << "</" << element.name << "> closes " << (open.empty() ? "nothing" : open.back());
        return {};
      }
      open.pop_back();
    } else if (!element.empty) {
      open.push_back(element.name);
    }
    elements.push_back(element);
  }
  EXPECT_TRUE(open.empty()) << "unclosed <" << (open.empty() ? "" : open.back()) << ">";
  return elements;
}

// The document's shape: every tag with its attribute names and its "type"/"version" value,
// leaving out glibc's per-bin <size>/<unsorted> entries, whose number depends on its free lists.
std::string shape_of(const std::vector<Element>& elements) {
  std::string shape;
  for (const Element& element : elements) {
    if (element.name == "size" || element.name == "unsorted") continue;
    shape += element.closing ? "</" : "<";
    shape += element.name;
    for (const auto& [name, value] : element.attributes) {
      shape += " " + name;
      if (name == "type" || name == "version" || name == "nr") shape += "=" + value;
    }
    shape += element.empty ? "/>\n" : ">\n";
  }
  return shape;
}

std::string attribute(const Element& element, const std::string& name) {
  for (const auto& [key, value] : element.attributes) {
    if (key == name) return value;
  }
  return "";
}

TEST(GlibcExtensions, MallocInfoIsWellFormedXmlInGlibcsShape) {
  void* huge = std::malloc(opaque(8 * MIB));
  ASSERT_NE(huge, nullptr);
  const std::string ours = malloc_info_text(&malloc_info);
  const struct mallinfo2 info = mallinfo2();
  std::free(huge);
  const std::vector<Element> elements = parse_xml(ours);
  ASSERT_FALSE(elements.empty()) << ours;
  EXPECT_EQ(elements.front().name, "malloc");
  EXPECT_EQ(attribute(elements.front(), "version"), "1");

  // glibc's own malloc_info, from libc.so.6 itself (this program's malloc_info is hardalloc's).
  void* libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
  ASSERT_NE(libc, nullptr);
  auto* glibc_malloc_info = reinterpret_cast<int (*)(int, FILE*)>(dlvsym(libc, "malloc_info", "GLIBC_2.10"));
  ASSERT_NE(glibc_malloc_info, nullptr);
  ASSERT_NE(reinterpret_cast<void*>(glibc_malloc_info), reinterpret_cast<void*>(&malloc_info));
  const std::string glibcs = malloc_info_text(glibc_malloc_info);
  dlclose(libc);
  EXPECT_EQ(shape_of(elements), shape_of(parse_xml(glibcs))) << "ours:\n" << ours << "glibc's:\n" << glibcs;

  // The process-wide mmap total is mallinfo2's large/huge blocks.
  bool saw_mmap_total = false;
  for (const Element& element : elements) {
    if (element.name == "total" && attribute(element, "type") == "mmap") {
      saw_mmap_total = true;
      EXPECT_EQ(attribute(element, "count"), std::to_string(info.hblks));
      EXPECT_EQ(attribute(element, "size"), std::to_string(info.hblkhd));
    }
  }
  EXPECT_TRUE(saw_mmap_total) << ours;
}

TEST(GlibcExtensions, MallocInfoRejectsOptions) {
  EXPECT_EQ(malloc_info(1, stdout), EINVAL);
  EXPECT_EQ(malloc_info(0, nullptr), EINVAL);
}

TEST(GlibcExtensions, MallocStatsWritesHardallocStatisticsToStderr) {
  FILE* capture = std::tmpfile();
  ASSERT_NE(capture, nullptr);
  std::fflush(stderr);
  const int saved_stderr = dup(2);
  ASSERT_GE(saved_stderr, 0);
  ASSERT_EQ(dup2(fileno(capture), 2), 2);
  malloc_stats();
  dup2(saved_stderr, 2);
  close(saved_stderr);
  std::string text(4096, '\0');
  std::rewind(capture);
  text.resize(std::fread(text.data(), 1, text.size(), capture));
  std::fclose(capture);
  EXPECT_EQ(text.rfind("hardalloc[", 0), 0u) << text;  // the log sink's block prefix
  EXPECT_NE(text.find("statistics (fast configuration)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("committed"), std::string::npos) << text;
}

TEST(GlibcExtensions, MallocTrimAndMalloptAreHardallocs) {
  std::vector<void*> blocks;
  for (int i = 0; i < 1024; ++i) {
    blocks.push_back(std::malloc(opaque(std::size_t{32} << 10)));
    ASSERT_NE(blocks.back(), nullptr);
    std::memset(blocks.back(), 1, std::size_t{32} << 10);
  }
  for (void* block : blocks) {
    std::free(block);
  }
  EXPECT_EQ(malloc_trim(0), 1);
  EXPECT_EQ(mallopt(M_ARENA_MAX, 2), 1);
  EXPECT_EQ(mallopt(12345, 1), 0);  // glibc 2.36 would return 1
}

}  // namespace
