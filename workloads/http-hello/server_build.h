/*
 * server_build: which server a build of main.c or main_wasi.c is: http-hello
 * (hh_core), or with -DEB_HTTP_API http-api (api_core).  Its name for
 * messages, and the buffer sizes its requests and responses need.
 */
#ifndef HH_SERVER_BUILD_H
#define HH_SERVER_BUILD_H

#include "hh_core.h"

#ifdef EB_HTTP_API
#include "api_core.h"
#define NAME "http-api"
#define MAX_BODY API_MAX_BODY
#define MAX_RESPONSE (API_MAX_RESPONSE + 256)
#else
#define NAME "http-hello"
#define MAX_BODY HH_MAX_BODY
#define MAX_RESPONSE HH_MAX_RESPONSE
#endif

#endif
