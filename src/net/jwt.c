#include "net/jwt.h"

#include <string.h>

#include "core/base64.h"
#include "core/buf.h"

cJSON *jwt_claims(const char *token, err *e)
{
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (dot2 == NULL) {
        err_setk(e, ERR_INPUT, "the token is not a JWT (expected header.payload.signature)");
        return NULL;
    }
    buf json;
    buf_init(&json, 1 << 20);
    cJSON *claims = NULL;
    if (base64_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &json, e) != 0) {
        err_wrap(e, "JWT payload");
        e->kind = ERR_INPUT;
        goto out;
    }
    claims = cJSON_ParseWithLength(json.data ? json.data : "", json.len);
    if (!cJSON_IsObject(claims)) {
        cJSON_Delete(claims);
        claims = NULL;
        err_setk(e, ERR_INPUT, "the JWT payload is not a JSON object");
    }
out:
    buf_release(&json);
    return claims;
}
