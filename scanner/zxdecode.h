/* zxdecode.h: the zxing-cpp engine (zengine.h), the one C++ file of the
 * project (zxdecode.cpp) behind a C interface: no C++ type crosses it,
 * and no exception either (each is caught inside and counts as nothing
 * read). zxing-cpp 1.4 (Debian's libzxing-dev) reads the whole image in
 * one call, with its own binariser, finder patterns and rotations. */
#ifndef ZXDECODE_H
#define ZXDECODE_H
#include "scanner/zengine.h"

#ifdef __cplusplus
extern "C" {
#endif
extern const struct zengine_ops zxdecode_ops;
#ifdef __cplusplus
}
#endif
#endif
