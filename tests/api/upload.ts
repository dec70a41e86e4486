/** Test support: a GraphQL multipart request (operations, map, then the file part), as an integrator's program sends an upload. */
export async function uploadFile(url: string, token: string, query: string, variables: Record<string, unknown>, file: Blob) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', file, 'upload.csv');
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return (await res.json()) as { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}
