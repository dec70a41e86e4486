/**
 * The demo region tree: two provinces, their main cities and a few districts each. Weights are relative
 * subscriber shares, so bigger cities (Suzhou, Hangzhou) get more customers than smaller ones.
 */
export const DEMO_TIME_ZONE = 'Asia/Shanghai';

export interface DistrictSpec {
  code: string;
  name: string;
  /** Share of the city's customers, relative to its sibling districts. */
  weight: number;
}

export interface CitySpec {
  code: string;
  name: string;
  /** Share of all customers, relative to the other cities. */
  weight: number;
  districts: DistrictSpec[];
}

export interface ProvinceSpec {
  code: string;
  name: string;
  cities: CitySpec[];
}

export const DEMO_REGIONS: ProvinceSpec[] = [
  {
    code: 'JS',
    name: '江苏省',
    cities: [
      {
        code: 'JS-NJ',
        name: '南京市',
        weight: 9,
        districts: [
          { code: 'JS-NJ-GL', name: '鼓楼区', weight: 4 },
          { code: 'JS-NJ-XW', name: '玄武区', weight: 3 },
          { code: 'JS-NJ-JN', name: '江宁区', weight: 5 },
        ],
      },
      {
        code: 'JS-SZ',
        name: '苏州市',
        weight: 13,
        districts: [
          { code: 'JS-SZ-GS', name: '姑苏区', weight: 3 },
          { code: 'JS-SZ-YQ', name: '工业园区', weight: 5 },
          { code: 'JS-SZ-WZ', name: '吴中区', weight: 4 },
        ],
      },
      {
        code: 'JS-WX',
        name: '无锡市',
        weight: 7,
        districts: [
          { code: 'JS-WX-LX', name: '梁溪区', weight: 3 },
          { code: 'JS-WX-BH', name: '滨湖区', weight: 2 },
        ],
      },
    ],
  },
  {
    code: 'ZJ',
    name: '浙江省',
    cities: [
      {
        code: 'ZJ-HZ',
        name: '杭州市',
        weight: 12,
        districts: [
          { code: 'ZJ-HZ-XH', name: '西湖区', weight: 3 },
          { code: 'ZJ-HZ-SC', name: '上城区', weight: 3 },
          { code: 'ZJ-HZ-YH', name: '余杭区', weight: 5 },
        ],
      },
      {
        code: 'ZJ-NB',
        name: '宁波市',
        weight: 9,
        districts: [
          { code: 'ZJ-NB-HS', name: '海曙区', weight: 2 },
          { code: 'ZJ-NB-YZ', name: '鄞州区', weight: 3 },
        ],
      },
      {
        code: 'ZJ-WZ',
        name: '温州市',
        weight: 8,
        districts: [
          { code: 'ZJ-WZ-LC', name: '鹿城区', weight: 3 },
          { code: 'ZJ-WZ-OH', name: '瓯海区', weight: 2 },
        ],
      },
    ],
  },
];
