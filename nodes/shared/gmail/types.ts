// Gmail API resources as googleapis describes them. Type-only: googleapis is a devDependency and
// nothing of it is loaded at run time (the import is erased from dist).
import type { gmail_v1 } from 'googleapis';

export type GmailMessage = gmail_v1.Schema$Message;
export type GmailMessagePart = gmail_v1.Schema$MessagePart;
export type GmailHeader = gmail_v1.Schema$MessagePartHeader;
export type GmailThread = gmail_v1.Schema$Thread;
export type GmailHistoryRecord = gmail_v1.Schema$History;
export type GmailListMessagesPage = gmail_v1.Schema$ListMessagesResponse;
export type GmailHistoryPage = gmail_v1.Schema$ListHistoryResponse;
export type GmailProfile = gmail_v1.Schema$Profile;
export type GmailLabel = gmail_v1.Schema$Label;
export type GmailSendAs = gmail_v1.Schema$SendAs;
