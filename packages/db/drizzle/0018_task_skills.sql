-- Skill-based routing (packages/dispatch): the skills an agent needs to work a task (a tactic's `skills`, or
-- given when the task is created). Dispatch gives a call-centre task only to an agent having all of them.
ALTER TABLE "retention_tasks" ADD COLUMN "required_skills" text[] DEFAULT '{}' NOT NULL;
