-- Revoked JWTs: by token id (`jti`), or every token of a subject issued up to `revoked_at` (`iat` not later).
CREATE TABLE "jwt_revocations" (
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"revoked_at" timestamp with time zone NOT NULL,
	"revoked_by" text NOT NULL,
	CONSTRAINT "jwt_revocations_kind_value_pk" PRIMARY KEY("kind","value"),
	CONSTRAINT "jwt_revocations_kind_check" CHECK ("jwt_revocations"."kind" in ('jti', 'subject'))
);
--> statement-breakpoint
-- Authentication reads it before a request's scoped transaction starts; revoking is for admins.
REVOKE ALL ON "jwt_revocations" FROM weixi_scoped;
