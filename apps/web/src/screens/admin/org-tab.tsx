import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useLocalName } from '../../i18n';
import { ErrorLine, OkLine } from './admin-common';

/** Departments and their member units (cases are routed to units). */
export function OrgTab() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ref = useReference();
  const localName = useLocalName();
  const [done, setDone] = useState<string | null>(null);
  const after = (what: string) => {
    setDone(t('admin.org.saved', { what }));
    void qc.invalidateQueries({ queryKey: trpc.reference.bootstrap.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.admin.auditLog.pathKey() });
  };
  const dept = useMutation(trpc.admin.upsertDepartment.mutationOptions({ onSuccess: (d) => after(d.code) }));
  const unit = useMutation(trpc.admin.upsertUnit.mutationOptions({ onSuccess: (u) => after(u.code) }));
  const [d, setD] = useState({ code: '', name: '', nameEn: '' });
  const [u, setU] = useState({
    code: '',
    departmentCode: ref.data.departments[0]?.code ?? '',
    name: '',
    nameEn: '',
    phone: '',
  });

  const editUnit = (code: string) => {
    const x = ref.unit(code);
    if (x)
      setU({
        code: x.code,
        departmentCode: x.departmentCode,
        name: x.name,
        nameEn: x.nameEn,
        phone: x.phone ?? '',
      });
  };
  const submitUnit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const existing = ref.unit(u.code);
    unit.mutate({
      code: u.code.trim(),
      departmentCode: u.departmentCode,
      name: u.name,
      nameEn: u.nameEn,
      ...(u.phone ? { phone: u.phone } : {}),
      ...(existing?.subDistrictCode ? { subDistrictCode: existing.subDistrictCode } : {}),
    });
  };

  return (
    <div className="admin-tab admin-two" data-testid="admin-org">
      <section>
        <form
          className="admin-form"
          data-testid="dept-form"
          onSubmit={(e) => {
            e.preventDefault();
            setDone(null);
            dept.mutate(d);
          }}
        >
          <h3>{t('admin.org.department')}</h3>
          <label>
            {t('admin.org.code')}
            <input
              data-testid="dept-code"
              value={d.code}
              onChange={(e) => setD({ ...d, code: e.target.value })}
              placeholder="D18"
              required
            />
          </label>
          <label>
            {t('admin.org.name')}
            <input
              data-testid="dept-name"
              value={d.name}
              onChange={(e) => setD({ ...d, name: e.target.value })}
              required
            />
          </label>
          <label>
            {t('admin.org.nameEn')}
            <input
              data-testid="dept-name-en"
              value={d.nameEn}
              onChange={(e) => setD({ ...d, nameEn: e.target.value })}
              required
            />
          </label>
          <button type="submit" className="primary" data-testid="dept-save">
            {t('app.save')}
          </button>
          <ErrorLine error={dept.error} />
        </form>
        <table className="admin-table" data-testid="dept-table">
          <thead>
            <tr>
              <th>{t('admin.org.code')}</th>
              <th>{t('admin.org.name')}</th>
              <th>{t('admin.org.units')}</th>
            </tr>
          </thead>
          <tbody>
            {ref.data.departments.map((x) => (
              <tr key={x.code} data-testid={`dept-row-${x.code}`}>
                <td className="num">
                  <button
                    type="button"
                    className="link"
                    onClick={() => setD({ code: x.code, name: x.name, nameEn: x.nameEn })}
                  >
                    {x.code}
                  </button>
                </td>
                <td>{localName(x)}</td>
                <td className="num">{ref.data.units.filter((y) => y.departmentCode === x.code).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <form className="admin-form" data-testid="unit-form" onSubmit={submitUnit}>
          <h3>{t('admin.org.unit')}</h3>
          <label>
            {t('admin.org.code')}
            <input
              data-testid="unit-code"
              value={u.code}
              onChange={(e) => setU({ ...u, code: e.target.value })}
              placeholder="U27"
              required
            />
          </label>
          <label>
            {t('admin.org.department')}
            <select
              data-testid="unit-department"
              value={u.departmentCode}
              onChange={(e) => setU({ ...u, departmentCode: e.target.value })}
            >
              {ref.data.departments.map((x) => (
                <option key={x.code} value={x.code}>
                  {x.code} {localName(x)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.org.name')}
            <input
              data-testid="unit-name"
              value={u.name}
              onChange={(e) => setU({ ...u, name: e.target.value })}
              required
            />
          </label>
          <label>
            {t('admin.org.nameEn')}
            <input
              data-testid="unit-name-en"
              value={u.nameEn}
              onChange={(e) => setU({ ...u, nameEn: e.target.value })}
              required
            />
          </label>
          <label>
            {t('admin.org.phone')}
            <input
              data-testid="unit-phone"
              value={u.phone}
              onChange={(e) => setU({ ...u, phone: e.target.value })}
            />
          </label>
          <button type="submit" className="primary" data-testid="unit-save">
            {t('app.save')}
          </button>
          <ErrorLine error={unit.error} />
        </form>
        {done && <OkLine>{done}</OkLine>}
        <table className="admin-table" data-testid="unit-table">
          <thead>
            <tr>
              <th>{t('admin.org.code')}</th>
              <th>{t('admin.org.name')}</th>
              <th>{t('admin.org.department')}</th>
              <th>{t('admin.org.phone')}</th>
            </tr>
          </thead>
          <tbody>
            {ref.data.units.map((x) => (
              <tr key={x.code} data-testid={`unit-row-${x.code}`}>
                <td className="num">
                  <button
                    type="button"
                    className="link"
                    data-testid={`unit-edit-${x.code}`}
                    onClick={() => editUnit(x.code)}
                  >
                    {x.code}
                  </button>
                </td>
                <td data-testid={`unit-name-${x.code}`}>{localName(x)}</td>
                <td>{localName(ref.data.departments.find((y) => y.code === x.departmentCode))}</td>
                <td className="num small">{x.phone ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
