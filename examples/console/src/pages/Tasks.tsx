import { useState } from 'react';
import {
  MyTasksDocument,
  RecordContactAttemptDocument,
  RecordTaskOutcomeDocument,
  StartTaskDocument,
  TasksDocument,
  type Disposition,
  type TaskCardFragment,
  type TaskOutcome,
  type TaskState,
} from '../gql/graphql.js';
import { call, errorText, useQuery } from '../api.js';
import { useI18n } from '../i18n.js';
import { Choice, ErrorBox, Loading, Section, go, when, Value } from '../ui.js';

const COLUMNS: TaskState[] = ['OPEN', 'ASSIGNED', 'IN_PROGRESS', 'DONE'];
const DISPOSITIONS: Disposition[] = ['REACHED', 'ACCEPTED', 'PROMISED', 'REFUSED', 'NO_ANSWER', 'POWERED_OFF', 'SUSPENDED'];
const OUTCOMES: TaskOutcome[] = ['RETAINED', 'DECLINED', 'CALLBACK_REQUESTED', 'NOT_ELIGIBLE', 'UNREACHABLE', 'WRONG_NUMBER'];

/** An agent's queue (`myTasks`); for admins and operators, another assignee's tasks through `tasks(filter)`. */
export function TasksPage() {
  const { t, v } = useI18n();
  const [assigneeInput, setAssigneeInput] = useState('');
  const [assignee, setAssignee] = useState('');
  const mine = useQuery(MyTasksDocument, { states: COLUMNS }, assignee !== '');
  const theirs = useQuery(TasksDocument, { filter: { assignee, states: COLUMNS } }, assignee === '');
  const current = assignee ? theirs : mine;
  const tasks = (assignee ? theirs.data?.tasks : mine.data?.myTasks)?.edges.map((e) => e.node) ?? [];
  return (
    <div data-testid="page-tasks">
      <Section title={t('nav.tasks')}>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setAssignee(assigneeInput.trim());
          }}
        >
          <input value={assigneeInput} onChange={(e) => setAssigneeInput(e.target.value)} placeholder={t('tasks.assignee')} data-testid="task-assignee" />
          <button type="submit">{t('tasks.load')}</button>
        </form>
        <ErrorBox error={current.error} />
        <Loading when={current.loading} />
      </Section>
      <div className="board">
        {COLUMNS.map((state) => (
          <div key={state} className="column" data-testid={`column-${state}`}>
            <h3>
              {v(state)} ({tasks.filter((task) => task.state === state).length})
            </h3>
            {tasks
              .filter((task) => task.state === state)
              .map((task) => (
                <TaskCard key={task.id} task={task} onChanged={current.reload} />
              ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function TaskCard({ task, onChanged }: { task: TaskCardFragment; onChanged(): void }) {
  const { t } = useI18n();
  const [disposition, setDisposition] = useState<Disposition>('REACHED');
  const [outcome, setOutcome] = useState<TaskOutcome>('RETAINED');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const act = (work: () => Promise<unknown>) => () =>
    void work().then(
      () => {
        setError(undefined);
        onChanged();
      },
      (e: unknown) => setError(errorText(e)),
    );
  return (
    <div className="card task" data-testid="task-card" data-task-id={task.id}>
      <div>
        <strong className="clickable" onClick={() => go('customers', task.customer.id)}>
          {task.customer.name}
        </strong>{' '}
        {task.customer.msisdn} <Value of={task.customer.tier} tone="" />
      </div>
      <div>{task.tacticTitle ?? task.tactic ?? ''} · {task.channel ?? ''}</div>
      <div className="muted">{task.reason}</div>
      {task.offer && <div>🎁 {task.offer.title}: {task.offer.benefitDescription}</div>}
      {task.script && (
        <details>
          <summary>{t('tasks.script')}</summary>
          <p>{task.script}</p>
        </details>
      )}
      <div className="muted">
        {t('tasks.due')} {when(task.dueAt)} · {t('tasks.attempts')} {task.attemptCount} {task.outcome && <Value of={task.outcome} tone="" />}
      </div>
      {task.attempts.edges.map(({ node: a }) => (
        <div key={a.attemptedAt} className="muted small">
          {when(a.attemptedAt)} {a.outcome} {a.note ?? ''}
        </div>
      ))}
      {task.state === 'ASSIGNED' && (
        <button onClick={act(() => call(StartTaskDocument, { id: task.id }))} data-testid="task-start">
          {t('tasks.start')}
        </button>
      )}
      {task.state === 'IN_PROGRESS' && (
        <div className="actions">
          <input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('tasks.note')} data-testid="task-note" />
          <div className="row">
            <Choice values={DISPOSITIONS} value={disposition} onChange={setDisposition} testId="task-disposition" />
            <button className="small" onClick={act(() => call(RecordContactAttemptDocument, { taskId: task.id, disposition, note: note || null }))} data-testid="task-attempt">
              {t('tasks.attempt')}
            </button>
          </div>
          <div className="row">
            <Choice values={OUTCOMES} value={outcome} onChange={setOutcome} testId="task-outcome" />
            <button className="small" onClick={act(() => call(RecordTaskOutcomeDocument, { id: task.id, outcome, note: note || null }))} data-testid="task-close">
              {t('tasks.close')}
            </button>
          </div>
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
