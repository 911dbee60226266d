/* jwt: reads the claims of a JSON Web Token, without verifying it.
 *
 * The Actions runtime token is a JWT whose claims name the workflow run
 * (the `scp` claim).  The artifact service checks the token itself; the
 * client only reads the claims to address its requests, exactly as the
 * official toolkit does, so no signature is checked here and nothing read
 * here may be trusted for anything else. */
#ifndef F1_NET_JWT_H
#define F1_NET_JWT_H

#include <cjson/cJSON.h>

#include "core/err.h"

/* Decodes the payload (the second '.'-separated segment, base64url with or
 * without padding) of token and parses it as JSON.  Returns the claims
 * object, which the caller frees with cJSON_Delete(), or NULL with e set
 * (kind ERR_INPUT) when the token has no payload segment, the segment is not
 * base64url, or it is not a JSON object. */
cJSON *jwt_claims(const char *token, err *e);

#endif
