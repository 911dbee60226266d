/* version: the program's version and the identity it sends to servers. */
#ifndef F1_CORE_VERSION_H
#define F1_CORE_VERSION_H

#define F1_VERSION "1.0.0"
#define F1_PROJECT_URL "https://github.com/OWNER/f1-mlops"
/* Wikimedia's User-Agent policy wants a tool name, version and contact. */
#define F1_USER_AGENT "f1-mlops/" F1_VERSION " (+" F1_PROJECT_URL ")"

#endif
